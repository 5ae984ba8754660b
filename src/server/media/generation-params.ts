/**
 * Quick fields from Stable Diffusion style "parameters" text (A1111/Forge/Fooocus):
 *   <prompt>\nNegative prompt: <negative>\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Model: x
 */
export function parseGenerationParameters(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let settingsAt = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^\s*Steps:\s*\d+/.test(lines[i]!)) {
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
    const settings = lines.slice(settingsAt).join(' ');
    for (const match of settings.matchAll(/\s*([\w][\w .-]*?):\s*("(?:\\.|[^"\\])*"|[^,]*)(?:,|$)/g)) {
      const key = match[1]!.trim().toLowerCase().replace(/[ .-]+/g, '_');
      const value = match[2]!.trim().replace(/^"|"$/g, '');
      if (key && value) fields[key] = value;
    }
  }
  return fields;
}
