/**
 * Where `N` goes in "my work": the first item after the one open (in the list's path order), or
 * the first item of the list when nothing after it is left. The item just labeled has usually
 * left the list already, so "after" is by path, not by position.
 */
export function nextInWork(paths: readonly string[], current: string | null): string | null {
  if (!paths.length) return null;
  if (current === null) return paths[0]!;
  for (const p of paths) if (comparePaths(p, current) > 0) return p;
  return paths[0] === current ? (paths[1] ?? null) : paths[0]!;
}

// The server lists my work in path order by code unit (plain string comparison), not locale.
function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "40 of 120 labeled" and its percentage, rounded down so 99.6 % never shows as done. */
export function completion(labeled: number, total: number): { percent: number; text: string } {
  const percent = total > 0 ? Math.floor((labeled / total) * 100) : 0;
  return { percent, text: `${labeled.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} labeled` };
}

/** Whether a cached `POST /stats` answer may have changed after label changes in `folders`. */
export function statsTouched(queryKey: readonly unknown[], folders: ReadonlySet<string>): boolean {
  const [, , path, recursive, filters] = queryKey as [string, string, string, boolean, string];
  // A filtered set: which items are in it is the query engine's to say.
  if (filters) return true;
  if (path === '/' && recursive) return folders.size > 0;
  for (const f of folders) if (f === path || (recursive && f.startsWith(`${path}/`))) return true;
  return false;
}
