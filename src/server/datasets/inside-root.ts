import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';

/** Whether the resolved path `real` lies strictly below the folder `root` (both absolute, symlinks resolved). */
export function isBelow(root: string, real: string): boolean {
  // `/` (or `C:\`) already ends with the separator; adding another would match nothing.
  return real.startsWith(root.endsWith(sep) ? root : root + sep) && real !== root;
}

/** The real path `path` has or would have: its nearest existing ancestor resolved, the rest appended. */
export async function realpathOfMaybeMissing(path: string): Promise<string> {
  const rest: string[] = [];
  for (let at = resolve(path); ; at = dirname(at)) {
    const real = await realpath(at).catch(() => undefined);
    if (real !== undefined) return join(real, ...rest.reverse());
    if (dirname(at) === at) return resolve(path);
    rest.push(basename(at));
  }
}

/** Whether `real` is one of the `guarded` real paths or lies below one. */
export function isGuarded(guarded: readonly string[], real: string): boolean {
  return guarded.some((g) => real === g || isBelow(g, real));
}
