import type { Catalog } from '../catalog/catalog.js';
import { compareCodeUnits, randomRank } from './collation.js';
import type { NaturalKeys } from './natural-keys.js';
import { float64Keys, radixArgsort } from './radix.js';

/**
 * Whole-catalog orders, ascending, built with radix argsorts (a million ids in tens of ms instead
 * of the ~0.5–2 s of a comparator sort). Each realises one rule of SPEC.md exactly; the
 * comparators in the tests are the reference they are checked against.
 */
export interface SortedOrder {
  /** Alive ids, ascending; for metric orders the `valid` ids that have a value come first. */
  order: Int32Array;
  valid: number;
}

/**
 * L1: natural name key, ties by path. Radix-sorts on the four UTF-16 units after the prefix every
 * key shares, then compares keys only within runs that share those units.
 */
export function nameOrder(catalog: Catalog, keys: NaturalKeys): SortedOrder {
  const ids = aliveIds(catalog);
  const n = ids.length;
  let common = n > 0 ? keys.length(ids[0]!) : 0;
  const first = n > 0 ? ids[0]! : 0;
  for (let i = 1; i < n && common > 0; i++) {
    const id = ids[i]!;
    const len = keys.length(id);
    let j = 0;
    while (j < common && j < len && keys.unit(id, j) === keys.unit(first, j)) j++;
    common = j;
  }
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    const len = keys.length(id);
    const c = (j: number) => (common + j < len ? keys.unit(id, common + j) + 1 : 0); // shorter first
    hi[i] = ((c(0) << 16) | c(1)) >>> 0;
    lo[i] = ((c(2) << 16) | c(3)) >>> 0;
  }
  radixArgsort(ids, hi, lo);
  const paths = catalog.paths;
  sortRuns(ids, hi, lo, (a, b) => keys.compare(a, b) || compareCodeUnits(paths[a]!, paths[b]!));
  return { order: ids, valid: n };
}

/** Added time; ties keep the name order it starts from (L3: the radix sort is stable). */
export function addedOrder(catalog: Catalog, byName: SortedOrder): SortedOrder {
  const ids = byName.order.slice();
  const hi = new Uint32Array(ids.length);
  const lo = new Uint32Array(ids.length);
  float64Keys(ids, catalog.added, hi, lo);
  return { order: radixArgsort(ids, hi, lo), valid: ids.length };
}

/**
 * L4: ids with a value first (by value, ties in name order), then the ids without one, in name
 * order. Built from the name order so that the stable radix sort carries its ties.
 */
export function valueOrder(values: Float64Array | undefined, byName: SortedOrder): SortedOrder {
  const all = byName.order;
  if (!values) return { order: all.slice(), valid: 0 };
  const order = new Int32Array(all.length);
  let valid = 0;
  let missing = all.length;
  for (const id of all) {
    if (Number.isNaN(values[id]!)) order[--missing] = id;
    else order[valid++] = id;
  }
  order.subarray(valid).reverse(); // filled from the end: back to name order
  const head = order.subarray(0, valid);
  const hi = new Uint32Array(valid);
  const lo = new Uint32Array(valid);
  float64Keys(head, values, hi, lo);
  radixArgsort(head, hi, lo);
  return { order, valid };
}

/** L2: by `randomRank(pathHash, seed)`; a 32-bit collision (rare) falls back to the path. */
/** `hashes[id]` is `hashPath` of the id's path. */
export function randomOrder(catalog: Catalog, hashes: Uint32Array, seed: number): SortedOrder {
  const ids = aliveIds(catalog);
  const hi = new Uint32Array(ids.length);
  const lo = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) hi[i] = randomRank(hashes[ids[i]!]!, seed);
  radixArgsort(ids, hi, lo);
  const paths = catalog.paths;
  sortRuns(ids, hi, lo, (a, b) => compareCodeUnits(paths[a]!, paths[b]!));
  return { order: ids, valid: ids.length };
}

/**
 * A few ids sorted in place as `addedOrder` (`valueless` false) or `valueOrder` (true) list them:
 * the same (hi, lo) keys, ties by name rank, ids without a value last in name order. Returns how
 * many have a value.
 */
export function sortFewByValue(ids: Int32Array, values: Float64Array, nameRank: Int32Array, valueless: boolean): number {
  let valid = ids.length;
  if (valueless) {
    const missing: number[] = [];
    valid = 0;
    for (const id of ids) {
      if (Number.isNaN(values[id]!)) missing.push(id);
      else ids[valid++] = id;
    }
    ids.set(missing.sort((a, b) => nameRank[a]! - nameRank[b]!), valid);
  }
  const head = ids.subarray(0, valid);
  const hi = new Uint32Array(valid);
  const lo = new Uint32Array(valid);
  float64Keys(head, values, hi, lo);
  sortByKeys(head, hi, lo, (a, b) => nameRank[a]! - nameRank[b]!);
  return valid;
}

/** A few ids sorted in place as `randomOrder` lists them. */
export function sortFewByRandom(ids: Int32Array, hashes: Uint32Array, seed: number, paths: readonly string[]): void {
  const hi = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) hi[i] = randomRank(hashes[ids[i]!]!, seed);
  sortByKeys(ids, hi, new Uint32Array(ids.length), (a, b) => compareCodeUnits(paths[a]!, paths[b]!));
}

/** Sorts `ids` in place by (hi, lo) at each id's position, then `tie` on the ids. */
function sortByKeys(ids: Int32Array, hi: Uint32Array, lo: Uint32Array, tie: (a: number, b: number) => number): void {
  const at = Array.from(ids.keys());
  at.sort((x, y) => hi[x]! - hi[y]! || lo[x]! - lo[y]! || tie(ids[x]!, ids[y]!));
  ids.set(at.map((i) => ids[i]!));
}

/** Comparator-sorts each run of equal (hi, lo) keys; runs are short when the keys spread well. */
function sortRuns(ids: Int32Array, hi: Uint32Array, lo: Uint32Array, compare: (a: number, b: number) => number): void {
  let start = 0;
  for (let i = 1; i <= ids.length; i++) {
    if (i < ids.length && hi[i] === hi[start] && lo[i] === lo[start]) continue;
    if (i - start > 1) ids.subarray(start, i).sort(compare);
    start = i;
  }
}

function aliveIds(catalog: Catalog): Int32Array {
  const out = new Int32Array(catalog.aliveCount);
  const alive = catalog.alive;
  let n = 0;
  for (let id = 0; id < catalog.size; id++) if (alive[id]) out[n++] = id;
  return n === out.length ? out : out.slice(0, n);
}
