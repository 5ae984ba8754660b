import { compareCodeUnits } from './collation.js';
import { CLAMPED, compareNaturalNames, MORE, packNaturalKey } from './natural-keys.js';
import { radixSteps, type Scratch, STEP } from './radix.js';

/** Below this many ids a range is comparator-sorted: a radix pass costs 65,536 counters. */
const SMALL = 2048;
/** Ids packed per step. */
const PACK_STEP = STEP >> 2;
/** Below this many, by insertion in place: most tie runs are a few names (one name in a few folders). */
const TINY = 16;

/** The base name's start in a path. */
const nameStart = (path: string) => path.lastIndexOf('/') + 1;

/** L1 over ids: natural key of the base name, ties by path in code units. */
export function compareByName(paths: readonly string[]): (a: number, b: number) => number {
  return (a, b) => {
    const pa = paths[a]!;
    const pb = paths[b]!;
    return compareNaturalNames(pa, nameStart(pa), pb, nameStart(pb)) || compareCodeUnits(pa, pb);
  };
}

/**
 * A few ids sorted in place by L1: by the packed first eight units of their natural keys, which
 * never contradict L1 (TK1's heap compares the same), and by L1 itself where those tie.
 */
export function sortFewByName(ids: Int32Array, paths: readonly string[]): void {
  const n = ids.length;
  if (n < 2) return;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const out = new Uint32Array(2);
  for (let i = 0; i < n; i++) {
    const path = paths[ids[i]!]!;
    packNaturalKey(path, nameStart(path), 0, false, out);
    hi[i] = out[0]!;
    lo[i] = out[1]!;
  }
  const compare = compareByName(paths);
  const at = Array.from(ids.keys());
  at.sort((x, y) => hi[x]! - hi[y]! || lo[x]! - lo[y]! || compare(ids[x]!, ids[y]!));
  ids.set(at.map((i) => ids[i]!));
}

/**
 * Sorts `ids` in place by L1, as steps of about `STEP` ids. An MSD radix sort on the natural key
 * eight units at a time (`packNaturalKey`, a byte each): a range is sorted on its next eight units
 * (radix when large, by the packed numbers when not), and only the runs that tie on them go on to
 * the next eight; runs of equal keys go by path, and a few ids to the comparator. Bench names
 * (`img_0001234.jpg`) are apart within the first sixteen units, so a million ids take two
 * packing passes and one radix sort, and no key string is ever built.
 */
export function* sortByNameSteps(ids: Int32Array, paths: readonly string[], idSpace: number, scratch?: Scratch): Generator<void, void> {
  const n = ids.length;
  if (n <= TINY) {
    sortRange(ids, 0, n, compareByName(paths));
    return;
  }
  const hi = scratch ? scratch.hi.subarray(0, n) : new Uint32Array(n);
  const lo = scratch ? scratch.lo.subarray(0, n) : new Uint32Array(n);
  // By id: how its key goes on after the packed bits (set before it is read).
  const ends = scratch ? scratch.flags : new Uint8Array(idSpace);
  // By id: where its base name starts in its path (0 until the first packing pass sets it).
  const starts = scratch ? scratch.byId.subarray(0, idSpace).fill(0) : new Int32Array(idSpace);
  const byPath = (a: number, b: number) => compareCodeUnits(paths[a]!, paths[b]!);
  const compare = (a: number, b: number) => compareNaturalNames(paths[a]!, starts[a]!, paths[b]!, starts[b]!) || byPath(a, b);
  const packer = { paths, starts, ends, hi, lo, out: new Uint32Array(2) };
  const stack: number[] = [0, n, 0, 0]; // (from, to, skip, wide) ranges left to sort
  let work = 0;
  while (stack.length) {
    const wide = stack.pop() === 1;
    const skip = stack.pop()!;
    const to = stack.pop()!;
    const from = stack.pop()!;
    let same = true;
    // A quarter step at a time: packing reads every name, ~4x the work of a radix step per id.
    for (let i = from; i < to; i += PACK_STEP) {
      same = packRange(packer, ids, i, Math.min(to, i + PACK_STEP), skip, wide) && same && hi[i] === hi[from] && lo[i] === lo[from];
      yield;
    }
    if (!same) {
      if (to - from > SMALL) yield* radixSteps(ids.subarray(from, to), hi.subarray(from, to), lo.subarray(from, to), scratch);
      else sortByPacked(ids, hi, lo, from, to);
    }
    settleRuns(ids, hi, lo, from, to, skip, wide, ends, stack, compare, byPath);
    work += to - from;
    if (work >= STEP) {
      work = 0;
      yield;
    }
  }
}

interface Packer {
  paths: readonly string[];
  starts: Int32Array;
  ends: Uint8Array;
  hi: Uint32Array;
  lo: Uint32Array;
  out: Uint32Array;
}

/** Packs the keys of positions from..to (a plain function: hot loops optimise better outside a generator); true when all tie. */
function packRange(p: Packer, ids: Int32Array, from: number, to: number, skip: number, wide: boolean): boolean {
  const { paths, starts, ends, hi, lo, out } = p;
  let same = true;
  for (let i = from; i < to; i++) {
    const id = ids[i]!;
    const path = paths[id]!;
    if (starts[id] === 0) starts[id] = nameStart(path); // paths start with '/': a name never starts at 0
    ends[id] = packNaturalKey(path, starts[id]!, skip, wide, out);
    hi[i] = out[0]!;
    lo[i] = out[1]!;
    if (hi[i] !== hi[from] || lo[i] !== lo[from]) same = false;
  }
  return same;
}

/** Settles each run of equal packed bits in from..to (`settleRun`). */
function settleRuns(
  ids: Int32Array,
  hi: Uint32Array,
  lo: Uint32Array,
  from: number,
  to: number,
  skip: number,
  wide: boolean,
  ends: Uint8Array,
  stack: number[],
  compare: (a: number, b: number) => number,
  byPath: (a: number, b: number) => number,
): void {
  let start = from;
  for (let i = from + 1; i <= to; i++) {
    if (i < to && hi[i] === hi[start] && lo[i] === lo[start]) continue;
    if (i - start > 1) settleRun(ids, start, i, skip, wide, ends, stack, compare, byPath);
    start = i;
  }
}

/**
 * A run of ids whose packed bits tie: the next units decide (in 16-bit fields when a unit did not
 * fit a byte), or the path when the keys are equal; a few ids go to the comparator at once.
 */
function settleRun(
  ids: Int32Array,
  from: number,
  to: number,
  skip: number,
  wide: boolean,
  ends: Uint8Array,
  stack: number[],
  compare: (a: number, b: number) => number,
  byPath: (a: number, b: number) => number,
): void {
  if (to - from <= TINY) {
    sortRange(ids, from, to, compare);
    return;
  }
  let ended = true;
  for (let i = from; i < to; i++) {
    const end = ends[ids[i]!]!;
    if (end === CLAMPED) {
      if (wide) ids.subarray(from, to).sort(compare);
      else stack.push(from, to, skip, 1);
      return;
    }
    if (end === MORE) ended = false;
  }
  if (ended) ids.subarray(from, to).sort(byPath); // equal keys (L1)
  else stack.push(from, to, skip + (wide ? 4 : 8), wide ? 1 : 0);
}

/** A few ids sorted by their packed (hi, lo) at each position, both carried along. */
function sortByPacked(ids: Int32Array, hi: Uint32Array, lo: Uint32Array, from: number, to: number): void {
  const at = Array.from({ length: to - from }, (_, i) => from + i);
  at.sort((x, y) => hi[x]! - hi[y]! || lo[x]! - lo[y]!);
  const oldIds = ids.slice(from, to);
  const oldHi = hi.slice(from, to);
  const oldLo = lo.slice(from, to);
  for (let i = 0; i < at.length; i++) {
    const k = at[i]! - from;
    ids[from + i] = oldIds[k]!;
    hi[from + i] = oldHi[k]!;
    lo[from + i] = oldLo[k]!;
  }
}

/** By the comparator: in place by insertion for a few ids, else the typed array's sort. */
function sortRange(ids: Int32Array, from: number, to: number, compare: (a: number, b: number) => number): void {
  if (to - from > TINY) {
    ids.subarray(from, to).sort(compare);
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const id = ids[i]!;
    let j = i - 1;
    while (j >= from && compare(ids[j]!, id) > 0) {
      ids[j + 1] = ids[j]!;
      j--;
    }
    ids[j + 1] = id;
  }
}
