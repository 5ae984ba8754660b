import type { Catalog } from '../catalog/catalog.js';
import { compareCodeUnits, randomRank } from './collation.js';
import { compareByName, sortByNameSteps, sortFewByName } from './name-order.js';
import { float64KeySteps, float64Keys, radix32Steps, radixSteps, type Scratch, STEP } from './radix.js';

/**
 * Whole-catalog orders, ascending, built with radix argsorts (a million ids in tens of ms instead
 * of the ~0.5–2 s of a comparator sort). Each realises one rule of SPEC.md exactly; the
 * comparators in the tests are the reference they are checked against. Each is a step generator
 * (`drain` runs it at once) so that a build can yield to the event loop every ~1 ms of work, and
 * works in lent arrays (`Scratch`, at least as long as the ids it sorts) besides its result.
 */
export interface SortedOrder {
  /** Alive ids, ascending; for metric orders the `valid` ids that have a value come first. */
  order: Int32Array;
  valid: number;
}

/** L1: natural name key, ties by path (name-order.ts). */
export function* nameOrderSteps(catalog: Catalog, scratch?: Scratch): Generator<void, SortedOrder> {
  const ids = yield* aliveIds(catalog);
  yield* sortByNameSteps(ids, catalog.paths, catalog.size, scratch);
  return { order: ids, valid: ids.length };
}

/** Added time; ties keep the name order it starts from (L3: the radix sort is stable). */
export function* addedOrderSteps(catalog: Catalog, byName: SortedOrder, scratch: Scratch): Generator<void, SortedOrder> {
  const ids = byName.order.slice();
  const hi = scratch.hi.subarray(0, ids.length);
  const lo = scratch.lo.subarray(0, ids.length);
  yield* float64KeySteps(ids, catalog.added, hi, lo);
  yield* radixSteps(ids, hi, lo, scratch);
  return { order: ids, valid: ids.length };
}

/**
 * L4: ids with a value first (by value, ties in name order), then the ids without one, in name
 * order. Built from the name order so that the stable radix sort carries its ties.
 */
export function* valueOrderSteps(values: Float64Array | undefined, byName: SortedOrder, scratch: Scratch): Generator<void, SortedOrder> {
  const all = byName.order;
  if (!values) return { order: all.slice(), valid: 0 };
  const order = new Int32Array(all.length);
  const ends = { valid: 0, missing: all.length };
  for (let from = 0; from < all.length; from += STEP) {
    splitRange(all, values, order, ends, from, Math.min(all.length, from + STEP));
    yield;
  }
  const valid = ends.valid;
  order.subarray(valid).reverse(); // filled from the end: back to name order
  const head = order.subarray(0, valid);
  const hi = scratch.hi.subarray(0, valid);
  const lo = scratch.lo.subarray(0, valid);
  yield* float64KeySteps(head, values, hi, lo);
  yield* radixSteps(head, hi, lo, scratch);
  return { order, valid };
}

/**
 * L2: by `randomRank(pathHash, seed)`, a 32-bit key (two radix passes); a collision (rare) falls
 * back to the path. `hashes[id]` is `hashPath` of the id's path.
 */
export function* randomOrderSteps(catalog: Catalog, hashes: Uint32Array, seed: number, scratch: Scratch): Generator<void, SortedOrder> {
  const ids = yield* aliveIds(catalog);
  const keys = scratch.hi.subarray(0, ids.length);
  for (let from = 0; from < ids.length; from += STEP) {
    rankRange(ids, hashes, seed, keys, from, Math.min(ids.length, from + STEP));
    yield;
  }
  yield* radix32Steps(ids, keys, scratch);
  const paths = catalog.paths;
  sortRuns(ids, keys, (a, b) => compareCodeUnits(paths[a]!, paths[b]!));
  return { order: ids, valid: ids.length };
}

/** Ids with a value to the front of `order`, the others to its back (in reverse). */
function splitRange(all: Int32Array, values: Float64Array, order: Int32Array, ends: { valid: number; missing: number }, from: number, to: number): void {
  let { valid, missing } = ends;
  for (let i = from; i < to; i++) {
    const id = all[i]!;
    if (Number.isNaN(values[id]!)) order[--missing] = id;
    else order[valid++] = id;
  }
  ends.valid = valid;
  ends.missing = missing;
}

function rankRange(ids: Int32Array, hashes: Uint32Array, seed: number, keys: Uint32Array, from: number, to: number): void {
  for (let i = from; i < to; i++) keys[i] = randomRank(hashes[ids[i]!]!, seed);
}

/**
 * A few ids sorted in place as `addedOrder` (`valueless` false) or `valueOrder` (true) list them:
 * the same (hi, lo) keys, ties by name (L1), ids without a value last in name order. Returns how
 * many have a value.
 */
export function sortFewByValue(ids: Int32Array, values: Float64Array, paths: readonly string[], valueless: boolean): number {
  let valid = ids.length;
  if (valueless) {
    const missing: number[] = [];
    valid = 0;
    for (const id of ids) {
      if (Number.isNaN(values[id]!)) missing.push(id);
      else ids[valid++] = id;
    }
    ids.set(missing, valid);
    sortFewByName(ids.subarray(valid), paths);
  }
  const head = ids.subarray(0, valid);
  const hi = new Uint32Array(valid);
  const lo = new Uint32Array(valid);
  float64Keys(head, values, hi, lo);
  sortByKeys(head, hi, lo, compareByName(paths));
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

/** Comparator-sorts each run of equal keys; runs are short when the keys spread well. */
function sortRuns(ids: Int32Array, keys: Uint32Array, compare: (a: number, b: number) => number): void {
  let start = 0;
  for (let i = 1; i <= ids.length; i++) {
    if (i < ids.length && keys[i] === keys[start]) continue;
    if (i - start > 1) ids.subarray(start, i).sort(compare);
    start = i;
  }
}

function* aliveIds(catalog: Catalog): Generator<void, Int32Array> {
  const out = new Int32Array(catalog.aliveCount);
  const size = catalog.size;
  let n = 0;
  for (let from = 0; from < size; from += STEP) {
    n = aliveRange(catalog.alive, out, n, from, Math.min(size, from + STEP));
    yield;
  }
  return n === out.length ? out : out.slice(0, n);
}

/** Appends the alive ids of [from, to) to `out` from `n`; the new count. */
function aliveRange(alive: Uint8Array, out: Int32Array, n: number, from: number, to: number): number {
  for (let id = from; id < to; id++) if (alive[id]) out[n++] = id;
  return n;
}
