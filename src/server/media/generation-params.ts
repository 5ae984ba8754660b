/** Text parsed at most: a real parameters block is a few KB; the rest of a longer one is ignored. */
export const MAX_PARAMETERS_LENGTH = 256 * 1024;

/**
 * Quick fields from Stable Diffusion style "parameters" text (A1111/Forge/Fooocus):
 *   <prompt>\nNegative prompt: <negative>\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Model: x
 * Linear in the input: every scan moves forward (a regex with a lazy key before `:` went
 * quadratic on a long line without one: 160K characters took 7.5 s).
 */
export function parseGenerationParameters(raw: string): Record<string, string> {
  const text = raw.length > MAX_PARAMETERS_LENGTH ? raw.slice(0, MAX_PARAMETERS_LENGTH) : raw;
  const fields: Record<string, string> = {};
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let settingsAt = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^\s*Steps:\s*\d/.test(lines[i]!)) {
      settingsAt = i;
      break;
    }
  }
  const head = settingsAt >= 0 ? lines.slice(0, settingsAt) : lines;
  const negativeAt = head.findIndex((line) => line.startsWith('Negative prompt:'));
  const prompt = (negativeAt >= 0 ? head.slice(0, negativeAt) : head).join('\n').trim();
  if (prompt) fields.prompt = prompt;
  if (negativeAt >= 0) {
    fields.negative_prompt = head.slice(negativeAt).join('\n').slice('Negative prompt:'.length).trim();
  }
  if (settingsAt >= 0) {
    for (const [name, value] of settingPairs(lines.slice(settingsAt).join(' '))) {
      const key = name.toLowerCase().replace(/[ .-]+/g, '_');
      if (key && value) fields[key] = value;
    }
  }
  return fields;
}

/** `Key: value, Other key: "quoted, value", …`; a segment without a key is skipped to its comma. */
export function* settingPairs(settings: string): Generator<[string, string]> {
  const n = settings.length;
  let i = 0;
  while (i < n) {
    while (i < n && (settings[i] === ',' || isSpace(settings.charCodeAt(i)))) i++;
    const keyStart = i;
    while (i < n && isKeyChar(settings.charCodeAt(i))) i++;
    if (i >= n) return;
    if (settings[i] !== ':' || i === keyStart) {
      const comma = settings.indexOf(',', i);
      if (comma < 0) return;
      i = comma + 1;
      continue;
    }
    const key = settings.slice(keyStart, i).trim();
    i++;
    while (i < n && isSpace(settings.charCodeAt(i))) i++;
    let value: string;
    if (settings[i] === '"') {
      let j = i + 1;
      while (j < n && settings[j] !== '"') j += settings[j] === '\\' ? 2 : 1;
      value = settings.slice(i + 1, Math.min(j, n));
      const comma = settings.indexOf(',', j);
      i = comma < 0 ? n : comma + 1;
    } else {
      const comma = settings.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      value = settings.slice(i, end).trim().replace(/^"|"$/g, '');
      i = end + 1;
    }
    if (key) yield [key, value];
  }
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0;
}

/** Letters, digits, `_`, space, `.` and `-`: what A1111 puts in a setting's name. */
function isKeyChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 32 || code === 46 || code === 45
  );
}
