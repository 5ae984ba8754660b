import type { Catalog } from '../catalog/catalog.js';
import { drain } from './radix.js';

/** Ids lowered and signed per step: a few ms of work. */
const TEXT_STEP = 1 << 12;

/**
 * What the `text` filter reads of each path (SPEC.md F1): the path lower-cased by `toLowerCase`
 * (kept only where it differs from the path: lower-case paths cost no copy and no slot), and a 64-bit
 * signature with one bit set per trigram of it. A needle's trigrams are all in every path that
 * contains it, so an id whose signature lacks one of the needle's bits is rejected by two ANDs,
 * and only the few others are searched: a 10M-path scan becomes a pass over 80 MB of integers.
 * Built ahead in steps (`extendSteps`, from `QueryEngine.warm`), extended as the catalog grows
 * (an id's path never changes).
 */
export class PathText {
  /** By id, the lower-cased path where it is not the path itself (a hole elsewhere); made at the first such path. */
  private lower: (string | undefined)[] | undefined;
  private signs = new Int32Array(0);
  private upTo = 0;

  constructor(private readonly catalog: Catalog) {}

  /** Lowers and signs the ids the catalog has gained, `TEXT_STEP` at a time. */
  *extendSteps(): Generator<void, void> {
    for (;;) {
      const from = this.upTo;
      const size = this.catalog.size;
      if (from >= size) return;
      const to = Math.min(size, from + TEXT_STEP);
      if (this.signs.length < 2 * size) this.grow(size);
      this.fill(from, to);
      this.upTo = to;
      yield;
    }
  }

  /** Up to date with the catalog, at once. */
  current(): this {
    drain(this.extendSteps());
    return this;
  }

  /**
   * Keeps in `list` (in place, in order) the ids whose lower-cased path contains `needle` (already
   * lower-cased), or that `marked` holds a 1 for.
   */
  keep(list: { ids: Int32Array; count: number }, needle: string, marked: Uint8Array): void {
    signature(needle, wanted, 0);
    const w0 = wanted[0]!;
    const w1 = wanted[1]!;
    const ids = list.ids;
    const signs = this.signs;
    const lower = this.lower;
    const paths = this.catalog.paths;
    let kept = 0;
    for (let i = 0; i < list.count; i++) {
      const id = ids[i]!;
      if (marked[id] === 1 || ((signs[2 * id]! & w0) === w0 && (signs[2 * id + 1]! & w1) === w1 && (lower?.[id] ?? paths[id]!).includes(needle))) ids[kept++] = id;
    }
    list.count = kept;
  }

  private grow(size: number): void {
    const grown = new Int32Array(2 * Math.max(size, this.catalog.width.length));
    grown.set(this.signs.subarray(0, 2 * this.upTo));
    this.signs = grown;
  }

  private fill(from: number, to: number): void {
    const paths = this.catalog.paths;
    for (let id = from; id < to; id++) {
      const path = paths[id]!;
      const lowered = path.toLowerCase();
      if (lowered !== path) {
        this.lower ??= [];
        const lower = this.lower;
        // Holes up to `id` first: a far write into a short array would make V8 keep it as a dictionary.
        if (lower.length < id) lower.length = id;
        lower[id] = lowered;
      }
      signature(lowered, this.signs, 2 * id);
    }
  }
}

const wanted = new Int32Array(2);

/** Sets, in `out[at]` and `out[at + 1]`, one bit of 64 per trigram of code units of `s`. */
function signature(s: string, out: Int32Array, at: number): void {
  let w0 = 0;
  let w1 = 0;
  if (s.length >= 3) {
    let a = s.charCodeAt(0);
    let b = s.charCodeAt(1);
    for (let i = 2; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const bit = Math.imul(Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ c, 0xc2b2ae35) >>> 26;
      if (bit < 32) w0 |= 1 << bit;
      else w1 |= 1 << (bit - 32);
      a = b;
      b = c;
    }
  }
  out[at] = w0;
  out[at + 1] = w1;
}
