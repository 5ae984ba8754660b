import { isWithin, parentPath } from '../../protocol/paths.js';

/**
 * Which cached item pages an item or a folder belongs to, read from their query keys (see
 * query-keys.ts): `['items', 'window', folder, sort, order, seed, ('sub:'?)filters?, offset]` and
 * `['items', 'search', folder, q]`. A plain window lists one folder's own items; a subtree window
 * ('sub:') and a search reach everything below their folder.
 */
function scopeOf(key: readonly unknown[]): { folder: string; subtree: boolean } | null {
  if (key[0] !== 'items' || typeof key[2] !== 'string') return null;
  if (key[1] === 'search') return { folder: key[2], subtree: true };
  if (key[1] !== 'window') return null;
  // The 7th part is the filters marker when it is a string: a window's offset comes last, so it is
  // a number there only in an unfiltered window key; a listing key (no offset) may end on the marker.
  const marker = key[6];
  return { folder: key[2], subtree: typeof marker === 'string' && marker.startsWith('sub:') };
}

/** Whether an item at `path` is listed by the page with this query key (filters aside). */
export function pageHolds(key: readonly unknown[], path: string): boolean {
  const scope = scopeOf(key);
  if (!scope) return false;
  return scope.subtree ? isWithin(path, scope.folder) : parentPath(path) === scope.folder;
}

/** Whether a change of the items directly inside any of `folders` changes the page with this key. */
export function pageSeesFolders(key: readonly unknown[], folders: readonly string[]): boolean {
  const scope = scopeOf(key);
  if (!scope) return false;
  return folders.some((f) => (scope.subtree ? isWithin(f, scope.folder) : f === scope.folder));
}

/** A folder and every folder above it: whose counts change when the folder's items do. */
export function withAncestors(folders: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (let f of folders) {
    out.add(f);
    while (f !== '/') {
      f = parentPath(f);
      out.add(f);
    }
  }
  return out;
}
