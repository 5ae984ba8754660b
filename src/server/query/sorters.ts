import type { Catalog } from '../catalog/catalog.js';
import { naturalKey } from '../services/sorted-orders.js';
import { float64Keys, radixArgsort } from './radix.js';

/**
 * Sorted orders over every alive id of the catalog. An order is cached per sort key and rebuilt
 * only when the catalog changes; a query then walks the cached order and keeps the ids that
 * passed its filters (a linear pass over typed arrays). Numeric orders use a radix argsort; the
 * name order radix-sorts on a short prefix of the natural key and compares strings only within
 * runs that share that prefix.
 */
export interface SortedOrder {
  /** Alive ids, ascending; for metric orders the `valid` ids that have a value come first. */
  order: Int32Array;
  valid: number;
}

/**
 * Natural, case-insensitive name order (the same key as folder listings), ties by path. Computing
 * a million natural keys takes a second or more, so it runs in slices, yielding to the event loop
 * between them; the radix pass and the short tie runs that follow are quick.
 */
export async function nameOrderAsync(catalog: Catalog, yieldEvery = 25_000): Promise<SortedOrder> {
  const ids = aliveIds(catalog);
  const keys = new Array<string>(ids.length);
  for (let start = 0; start < ids.length; start += yieldEvery) {
    const end = Math.min(ids.length, start + yieldEvery);
    for (let i = start; i < end; i++) keys[i] = naturalKey(catalog.nameOf(ids[i]!));
    if (end < ids.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return sortByKeys(catalog, ids, keys);
}

export function nameOrder(catalog: Catalog): SortedOrder {
  const ids = aliveIds(catalog);
  const keys = new Array<string>(ids.length);
  for (let i = 0; i < ids.length; i++) keys[i] = naturalKey(catalog.nameOf(ids[i]!));
  return sortByKeys(catalog, ids, keys);
}

function sortByKeys(catalog: Catalog, ids: Int32Array, keys: string[]): SortedOrder {
  const n = ids.length;
  // Skip the prefix every key shares, then radix-sort on the next four UTF-16 units.
  let common = n > 0 ? keys[0]!.length : 0;
  for (let i = 1; i < n && common > 0; i++) {
    const k = keys[i]!;
    const first = keys[0]!;
    let j = 0;
    while (j < common && j < k.length && k.charCodeAt(j) === first.charCodeAt(j)) j++;
    common = j;
  }
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const slot = new Int32Array(catalog.size); // id -> index into keys
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const c = (j: number) => (common + j < k.length ? k.charCodeAt(common + j) + 1 : 0); // shorter first
    hi[i] = ((c(0) << 16) | c(1)) >>> 0;
    lo[i] = ((c(2) << 16) | c(3)) >>> 0;
    slot[ids[i]!] = i;
  }
  radixArgsort(ids, hi, lo);
  const paths = catalog.paths;
  const byKey = (a: number, b: number): number => {
    const ka = keys[slot[a]!]!;
    const kb = keys[slot[b]!]!;
    if (ka !== kb) return ka < kb ? -1 : 1;
    const pa = paths[a]!;
    const pb = paths[b]!;
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  };
  sortRuns(ids, hi, lo, byKey);
  return { order: ids, valid: n };
}

/** Added time, ties by id. */
export function addedOrder(catalog: Catalog): SortedOrder {
  const ids = aliveIds(catalog);
  const hi = new Uint32Array(ids.length);
  const lo = new Uint32Array(ids.length);
  float64Keys(ids, catalog.added, hi, lo);
  return { order: radixArgsort(ids, hi, lo), valid: ids.length };
}

/** Ids that have a value first (ascending by value, ties by id), then the ids without one. */
export function valueOrder(catalog: Catalog, values: Float64Array | undefined): SortedOrder {
  const all = aliveIds(catalog);
  if (!values) return { order: all, valid: 0 };
  const order = new Int32Array(all.length);
  let valid = 0;
  let missing = all.length;
  for (const id of all) {
    if (Number.isNaN(values[id]!)) order[--missing] = id;
    else order[valid++] = id;
  }
  order.subarray(valid).reverse(); // keep the missing ids in id order
  const head = order.subarray(0, valid);
  const hi = new Uint32Array(valid);
  const lo = new Uint32Array(valid);
  float64Keys(head, values, hi, lo);
  radixArgsort(head, hi, lo);
  return { order, valid };
}

/**
 * A seeded shuffle that does not depend on how many items exist: each id gets a hash of
 * (id, seed), so the same seed keeps the same relative order while the catalog grows.
 */
export function randomOrder(catalog: Catalog, seed: number): SortedOrder {
  const ids = aliveIds(catalog);
  const hi = new Uint32Array(ids.length);
  const lo = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) hi[i] = mix32(ids[i]!, seed);
  return { order: radixArgsort(ids, hi, lo), valid: ids.length };
}

/** Comparator-sorts each run of equal (hi, lo) keys; runs are short when the prefix spreads well. */
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

/** A 32-bit avalanche hash (murmur3 finalizer) of an id mixed with the seed. */
export function mix32(id: number, seed: number): number {
  let h = (id ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
