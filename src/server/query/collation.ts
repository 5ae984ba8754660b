/**
 * The one collation of every listing (SPEC.md L1, L2): natural, case-insensitive name keys that
 * compare as plain strings, and per-item hashes for the seeded random order.
 */

/** Case-insensitive, with digit runs zero-padded so "img2" sorts before "img10". */
export function naturalKey(name: string): string {
  return name.toLowerCase().replace(/\d+/g, (digits) => digits.replace(/^0+(?=\d)/, '').padStart(12, '0'));
}

/** Code-unit order: the final tiebreak of every order, so each one is total (L3). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Folder names sort by the same rule as file names (L1): natural key, then the path. */
export function compareNatural(keyA: string, keyB: string, pathA: string, pathB: string): number {
  return compareCodeUnits(keyA, keyB) || compareCodeUnits(pathA, pathB);
}

/** FNV-1a of the path: stable across restarts (unlike ids), so a seed gives the same shuffle next time. */
export function hashPath(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * An item's place in the shuffle for `seed` (L2): a function of (seed, path hash) alone, so
 * filtering a list or growing the catalog never reorders the items that remain. Murmur3's
 * finalizer spreads the seeded hash over all 32 bits. Seeds are taken modulo 2^32, so -1 and
 * 4294967295 shuffle alike.
 */
export function randomRank(pathHash: number, seed: number): number {
  let h = (pathHash ^ Math.imul(seed, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
