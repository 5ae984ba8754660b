import { sep } from 'node:path';

/** Whether the resolved path `real` lies strictly below the folder `root` (both absolute, symlinks resolved). */
export function isBelow(root: string, real: string): boolean {
  // `/` (or `C:\`) already ends with the separator; adding another would match nothing.
  return real.startsWith(root.endsWith(sep) ? root : root + sep) && real !== root;
}
