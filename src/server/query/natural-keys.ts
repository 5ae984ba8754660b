import { naturalKey } from './collation.js';

/** Keys computed per step: ~3 ms of work between two yields to the event loop. */
export const KEY_SLICE = 5000;

/**
 * The natural keys (L1) of ids 0..size-1, for one name-order build. A slice of ids keeps its keys
 * as one joined string plus offsets, not a string per id: a million keys are then ~200 strings
 * (~1 byte a unit) instead of a million small ones (~50 MB of old space that stayed until the next
 * mark-compact and set the table's peak RSS), and each key string dies young, in its own slice.
 */
export class NaturalKeys {
  private readonly slices: string[] = [];
  /** Where each slice's string starts in the running count of units. */
  private readonly sliceStart: number[] = [];
  /** `bounds[id]` .. `bounds[id + 1]`: the id's key in that running count. */
  private readonly bounds: Int32Array;
  private units = 0;

  constructor(
    readonly size: number,
    private readonly nameOf: (id: number) => string,
    private readonly slice = KEY_SLICE,
  ) {
    this.bounds = new Int32Array(size + 1);
  }

  /** Computes the keys of the next slice of ids; false once every id has its key. */
  step(): boolean {
    const from = this.slices.length * this.slice;
    if (from >= this.size) return false;
    const to = Math.min(this.size, from + this.slice);
    const parts = new Array<string>(to - from);
    let at = this.units;
    for (let id = from; id < to; id++) {
      const key = naturalKey(this.nameOf(id));
      parts[id - from] = key;
      this.bounds[id] = at;
      at += key.length;
    }
    this.bounds[to] = at;
    this.sliceStart.push(this.units);
    this.slices.push(parts.join(''));
    this.units = at;
    return to < this.size;
  }

  /** Computes every remaining key at once. */
  complete(): this {
    while (this.step());
    return this;
  }

  length(id: number): number {
    return this.bounds[id + 1]! - this.bounds[id]!;
  }

  /** The `j`-th UTF-16 unit of the id's key (`j` < `length(id)`). */
  unit(id: number, j: number): number {
    const s = (id / this.slice) | 0;
    return this.slices[s]!.charCodeAt(this.bounds[id]! - this.sliceStart[s]! + j);
  }

  /** The keys' code-unit order, as `compareCodeUnits` on the key strings: shorter first on a common prefix. */
  compare(a: number, b: number): number {
    const sa = (a / this.slice) | 0;
    const sb = (b / this.slice) | 0;
    const textA = this.slices[sa]!;
    const textB = this.slices[sb]!;
    const atA = this.bounds[a]! - this.sliceStart[sa]!;
    const atB = this.bounds[b]! - this.sliceStart[sb]!;
    const lenA = this.length(a);
    const lenB = this.length(b);
    const n = Math.min(lenA, lenB);
    for (let j = 0; j < n; j++) {
      const d = textA.charCodeAt(atA + j) - textB.charCodeAt(atB + j);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return lenA < lenB ? -1 : lenA > lenB ? 1 : 0;
  }
}
