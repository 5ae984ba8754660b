/** Elements handled between two yields of a step generator: ~1 ms of work. */
export const STEP = 1 << 17;

/**
 * Argsort by a 64-bit unsigned key (hi, lo words) with a stable LSD radix sort, 16 bits per pass.
 * A million ids sort in tens of milliseconds instead of the ~0.5–2 s a comparator sort takes, and
 * passes over a digit that is the same for every id are skipped. Ties keep the input order.
 */
export function radixArgsort<T extends Int32Array<ArrayBufferLike>>(ids: T, hi: Uint32Array<ArrayBufferLike>, lo: Uint32Array<ArrayBufferLike>): T {
  drain(radixSteps(ids, hi, lo));
  return ids;
}

/** `radixArgsort` as steps of about `STEP` elements, so a caller can yield to the event loop between them. */
export function* radixSteps(ids: Int32Array<ArrayBufferLike>, hi: Uint32Array<ArrayBufferLike>, lo: Uint32Array<ArrayBufferLike>): Generator<void, void> {
  const n = ids.length;
  if (n < 2) return;
  let srcIds: Int32Array<ArrayBufferLike> = ids;
  let srcHi: Uint32Array<ArrayBufferLike> = hi;
  let srcLo: Uint32Array<ArrayBufferLike> = lo;
  let dstIds: Int32Array<ArrayBufferLike> = new Int32Array(n);
  let dstHi: Uint32Array<ArrayBufferLike> = new Uint32Array(n);
  let dstLo: Uint32Array<ArrayBufferLike> = new Uint32Array(n);
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
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
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

/** `float64Keys` in steps of `STEP` ids. */
export function* float64KeySteps(ids: Int32Array<ArrayBufferLike>, values: Float64Array<ArrayBufferLike>, hi: Uint32Array<ArrayBufferLike>, lo: Uint32Array<ArrayBufferLike>): Generator<void, void> {
  for (let i = 0; i < ids.length; i++) {
    if ((i & (STEP - 1)) === STEP - 1) yield;
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
