/**
 * Canonical item and folder paths: leading `/`, `/` separators, no trailing slash, no empty,
 * `.` or `..` segments. The root is `/`. One function, used by server and web alike, so the same
 * item can never be stored under two keys (a trap the older system fell into).
 */
export type PathResult = { ok: true; path: string } | { ok: false; reason: string };

const MAX_PATH_LENGTH = 4096;

export function canonicalPath(raw: unknown): PathResult {
  if (typeof raw !== 'string') return { ok: false, reason: 'path must be a string' };
  if (raw.length > MAX_PATH_LENGTH) return { ok: false, reason: 'path is too long' };
  if (raw.includes('\0')) return { ok: false, reason: 'path contains a NUL byte' };
  if (raw.includes('\\')) return { ok: false, reason: 'path contains a backslash' };
  if (/^[a-zA-Z]:/.test(raw)) return { ok: false, reason: 'path must not name a drive' };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (/[\x00-\x1f\x7f]/.test(raw)) return { ok: false, reason: 'path contains a control character' };
  const segments: string[] = [];
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return { ok: false, reason: 'path must not contain ".." segments' };
    segments.push(segment);
  }
  return { ok: true, path: `/${segments.join('/')}` };
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** True when `path` is `dir` itself or lies below it. */
export function isWithin(path: string, dir: string): boolean {
  if (dir === '/') return true;
  return path === dir || path.startsWith(`${dir}/`);
}
