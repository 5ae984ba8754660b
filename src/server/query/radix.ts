/**
 * Elements handled between two yields of a step generator: well under 1 ms of work on a free core.
 * At 1 << 17 a name-order step took 30–47 ms of CPU on a loaded 2-core machine, each one a stall
 * of the event loop; a build only yields between steps once its ~10 ms slice is used.
 */
export const STEP = 1 << 15;

/**
 * The work arrays of one order build, lent by a `ScratchPool`: a 10M-id build needs ~250 MB of
 * them, and allocating that afresh per build made V8 run full collections of a heap holding 10M
 * path strings (1–2 s of GC per build). `hi`/`lo` hold keys; `ids`, `dstHi`, `dstLo` are the radix
 * sort's other side; `byId` and `flags` are per-id (zeroed when lent).
 */
export interface Scratch {
  hi: Uint32Array;
  lo: Uint32Array;
  ids: Int32Array;
  dstHi: Uint32Array;
  dstLo: Uint32Array;
  byId: Int32Array;
  flags: Uint8Array;
}

/**
 * Keeps one set of build arrays between builds. Builds that run at the same time (sliced, they
 * interleave) get a set each; only one is kept when they give them back.
 */
export class ScratchPool {
  private free: Scratch | undefined;

  /** A set for `n` sorted ids over `idSpace` ids; `byId`/`flags` zeroed. */
  take(n: number, idSpace: number): Scratch {
    const kept = this.free;
    this.free = undefined;
    if (kept && kept.hi.length >= n && kept.byId.length >= idSpace) {
      kept.byId.fill(0);
      kept.flags.fill(0);
      return kept;
    }
    const size = Math.max(n, kept?.hi.length ?? 0);
    const ids = Math.max(idSpace, kept?.byId.length ?? 0);
    return {
      hi: new Uint32Array(size),
      lo: new Uint32Array(size),
      ids: new Int32Array(size),
      dstHi: new Uint32Array(size),
      dstLo: new Uint32Array(size),
      byId: new Int32Array(ids),
      flags: new Uint8Array(ids),
    };
  }

  give(scratch: Scratch): void {
    if (!this.free || this.free.hi.length < scratch.hi.length) this.free = scratch;
  }
}

/** The radix sort's other side: arrays of at least n elements. */
export interface RadixSide {
  ids: Int32Array;
  dstHi: Uint32Array;
  dstLo: Uint32Array;
}

const sideOf = (n: number): RadixSide => ({ ids: new Int32Array(n), dstHi: new Uint32Array(n), dstLo: new Uint32Array(n) });

/**
 * Argsort by a 64-bit unsigned key (hi, lo words) with a stable LSD radix sort, 16 bits per pass.
 * A million ids sort in tens of milliseconds instead of the ~0.5–2 s a comparator sort takes, and
 * passes over a digit that is the same for every id are skipped. Ties keep the input order.
 * Runs as steps of about `STEP` elements, so a caller can yield to the event loop between them
 * (`drain` runs them at once); `side` (lent scratch) spares allocating the other side.
 */
export function* radixSteps(
  ids: Int32Array<ArrayBufferLike>,
  hi: Uint32Array<ArrayBufferLike>,
  lo: Uint32Array<ArrayBufferLike>,
  side: RadixSide = sideOf(ids.length),
): Generator<void, void> {
  const n = ids.length;
  if (n < 2) return;
  let srcIds: Int32Array<ArrayBufferLike> = ids;
  let srcHi: Uint32Array<ArrayBufferLike> = hi;
  let srcLo: Uint32Array<ArrayBufferLike> = lo;
  let dstIds: Int32Array<ArrayBufferLike> = side.ids.subarray(0, n);
  let dstHi: Uint32Array<ArrayBufferLike> = side.dstHi.subarray(0, n);
  let dstLo: Uint32Array<ArrayBufferLike> = side.dstLo.subarray(0, n);
  const counts = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? srcLo : srcHi;
    const shift = pass % 2 === 0 ? 0 : 16;
    counts.fill(0);
    for (let from = 0; from < n; from += STEP) {
      countDigits(counts, word, shift, from, Math.min(n, from + STEP));
      yield;
    }
    if (counts[(word[0]! >>> shift) & 0xffff] === n) continue; // one digit everywhere: nothing to do
    prefixSums(counts);
    for (let from = 0; from < n; from += STEP) {
      scatter(counts, word, shift, from, Math.min(n, from + STEP), srcIds, srcHi, srcLo, dstIds, dstHi, dstLo);
      yield;
    }
    [srcIds, dstIds] = [dstIds, srcIds];
    [srcHi, dstHi] = [dstHi, srcHi];
    [srcLo, dstLo] = [dstLo, srcLo];
  }
  if (srcIds !== ids) ids.set(srcIds);
  // hi/lo now hold the keys in sorted order, wherever they ended up.
  if (srcHi !== hi) hi.set(srcHi);
  if (srcLo !== lo) lo.set(srcLo);
}

/**
 * The stable radix sort by one 32-bit key (two passes, ids and keys carried): half the passes
 * and a third less memory traffic than `radixSteps` with a zero low word.
 */
export function* radix32Steps(ids: Int32Array<ArrayBufferLike>, keys: Uint32Array<ArrayBufferLike>, side: RadixSide = sideOf(ids.length)): Generator<void, void> {
  const n = ids.length;
  if (n < 2) return;
  let srcIds: Int32Array<ArrayBufferLike> = ids;
  let srcKeys: Uint32Array<ArrayBufferLike> = keys;
  let dstIds: Int32Array<ArrayBufferLike> = side.ids.subarray(0, n);
  let dstKeys: Uint32Array<ArrayBufferLike> = side.dstHi.subarray(0, n);
  const low = new Uint32Array(65536);
  const high = new Uint32Array(65536);
  for (let from = 0; from < n; from += STEP) {
    countBoth(low, high, srcKeys, from, Math.min(n, from + STEP));
    yield;
  }
  for (const [counts, shift] of [[low, 0], [high, 16]] as const) {
    if (counts[(srcKeys[0]! >>> shift) & 0xffff] === n) continue;
    prefixSums(counts);
    for (let from = 0; from < n; from += STEP) {
      scatter32(counts, shift, from, Math.min(n, from + STEP), srcIds, srcKeys, dstIds, dstKeys);
      yield;
    }
    [srcIds, dstIds] = [dstIds, srcIds];
    [srcKeys, dstKeys] = [dstKeys, srcKeys];
  }
  if (srcIds !== ids) ids.set(srcIds);
  if (srcKeys !== keys) keys.set(srcKeys);
}

function prefixSums(counts: Uint32Array): void {
  let sum = 0;
  for (let d = 0; d < 65536; d++) {
    const c = counts[d]!;
    counts[d] = sum;
    sum += c;
  }
}

function countBoth(low: Uint32Array, high: Uint32Array, keys: Uint32Array<ArrayBufferLike>, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const k = keys[i]!;
    low[k & 0xffff]!++;
    high[k >>> 16]!++;
  }
}

function scatter32(
  counts: Uint32Array,
  shift: number,
  from: number,
  to: number,
  srcIds: Int32Array<ArrayBufferLike>,
  srcKeys: Uint32Array<ArrayBufferLike>,
  dstIds: Int32Array<ArrayBufferLike>,
  dstKeys: Uint32Array<ArrayBufferLike>,
): void {
  for (let i = from; i < to; i++) {
    const k = srcKeys[i]!;
    const at = counts[(k >>> shift) & 0xffff]!++;
    dstIds[at] = srcIds[i]!;
    dstKeys[at] = k;
  }
}

// The passes' loops live in plain functions: V8 optimises them better than loops inside a generator.
function countDigits(counts: Uint32Array, word: Uint32Array<ArrayBufferLike>, shift: number, from: number, to: number): void {
  for (let i = from; i < to; i++) counts[(word[i]! >>> shift) & 0xffff]!++;
}

function scatter(
  counts: Uint32Array,
  word: Uint32Array<ArrayBufferLike>,
  shift: number,
  from: number,
  to: number,
  srcIds: Int32Array<ArrayBufferLike>,
  srcHi: Uint32Array<ArrayBufferLike>,
  srcLo: Uint32Array<ArrayBufferLike>,
  dstIds: Int32Array<ArrayBufferLike>,
  dstHi: Uint32Array<ArrayBufferLike>,
  dstLo: Uint32Array<ArrayBufferLike>,
): void {
  for (let i = from; i < to; i++) {
    const at = counts[(word[i]! >>> shift) & 0xffff]!++;
    dstIds[at] = srcIds[i]!;
    dstHi[at] = srcHi[i]!;
    dstLo[at] = srcLo[i]!;
  }
}

/** Runs a step generator to its end in one go. */
export function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

/** Fills (hi, lo) with a key whose unsigned order is the numeric order of `values[ids[i]]` (no NaN). */
export function float64Keys(ids: Int32Array<ArrayBufferLike>, values: Float64Array<ArrayBufferLike>, hi: Uint32Array<ArrayBufferLike>, lo: Uint32Array<ArrayBufferLike>): void {
  drain(float64KeySteps(ids, values, hi, lo));
}

/**
 * `float64Keys` in steps of `STEP` ids. Each step's loop is a plain function (as every step
 * generator's here): a loop inside a generator body runs interpreted until the generator is
 * optimised, so a build's first steps held the event loop for tens of ms.
 */
export function* float64KeySteps(ids: Int32Array<ArrayBufferLike>, values: Float64Array<ArrayBufferLike>, hi: Uint32Array<ArrayBufferLike>, lo: Uint32Array<ArrayBufferLike>): Generator<void, void> {
  for (let from = 0; from < ids.length; from += STEP) {
    float64KeyRange(ids, values, hi, lo, from, Math.min(ids.length, from + STEP));
    yield;
  }
}

function float64KeyRange(ids: Int32Array<ArrayBufferLike>, values: Float64Array<ArrayBufferLike>, hi: Uint32Array<ArrayBufferLike>, lo: Uint32Array<ArrayBufferLike>, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    f64[0] = values[ids[i]!]! + 0; // -0 → +0, so both zeros tie
    const h = u32[HI]!;
    const l = u32[LO]!;
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~l >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = l;
    }
  }
}
