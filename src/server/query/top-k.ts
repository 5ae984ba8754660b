import { compareCodeUnits, randomRank } from './collation.js';
import { compareByName } from './name-order.js';
import { packNaturalKey } from './natural-keys.js';

/**
 * The first window of a list whose whole-catalog order is not built yet (SPEC.md TK1): the ids
 * are fed chunk by chunk into a bounded heap keeping the best `k`, instead of waiting seconds for
 * a 10M-id sort. Each order is a 64-bit key per id with a tiebreak, the very keys the full sorts
 * use (sorters.ts), so the window holds the same ids in the same order: name = the packed natural
 * key (`packNaturalKey`), ties by L1; added/metric = the float's order-preserving bits
 * (`float64Keys`), ties by name; random = `randomRank`, ties by path. `desc` complements the key
 * and reverses the tiebreak (L4: the exact reverse). Once the heap is full most ids lose to its
 * worst on one compare: a value against the worst kept value, a rank against the worst rank.
 */
export type SelectKey =
  | { kind: 'name' }
  | { kind: 'value'; values: Float64Array | undefined; valueless: boolean }
  | { kind: 'random'; hashes: Uint32Array; seed: number };

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const packed = new Uint32Array(2);

/** The best `k` ids kept so far, worst at the root: ids with their (hi, lo) keys. */
class Heap {
  readonly ids: Int32Array;
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  size = 0;

  constructor(
    readonly k: number,
    private readonly tie: (a: number, b: number) => number,
  ) {
    this.ids = new Int32Array(k);
    this.hi = new Uint32Array(k);
    this.lo = new Uint32Array(k);
  }

  offer(id: number, h: number, l: number): void {
    if (this.size < this.k) {
      let at = this.size++;
      while (at > 0) {
        const up = (at - 1) >> 1;
        if (!this.after(id, h, l, up)) break;
        this.move(up, at);
        at = up;
      }
      this.put(at, id, h, l);
      return;
    }
    if (!this.beatsWorst(id, h, l)) return;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const worse = right < this.size && this.later(right, left) ? right : left;
      if (this.after(id, h, l, worse)) break;
      this.move(worse, at);
      at = worse;
    }
    this.put(at, id, h, l);
  }

  /** The kept ids, best first. */
  sorted(): Int32Array {
    const at = Array.from({ length: this.size }, (_, i) => i);
    at.sort((x, y) => (this.later(x, y) ? 1 : this.later(y, x) ? -1 : 0));
    return Int32Array.from(at, (i) => this.ids[i]!);
  }

  /** Whether (id, h, l) comes before the root (the worst kept). */
  private beatsWorst(id: number, h: number, l: number): boolean {
    const wh = this.hi[0]!;
    if (h !== wh) return h < wh;
    const wl = this.lo[0]!;
    if (l !== wl) return l < wl;
    return this.tie(id, this.ids[0]!) < 0;
  }

  /** Whether (id, h, l) comes after the entry at `j`. */
  private after(id: number, h: number, l: number, j: number): boolean {
    const jh = this.hi[j]!;
    if (h !== jh) return h > jh;
    const jl = this.lo[j]!;
    if (l !== jl) return l > jl;
    return this.tie(id, this.ids[j]!) > 0;
  }

  private later(i: number, j: number): boolean {
    return this.after(this.ids[i]!, this.hi[i]!, this.lo[i]!, j);
  }

  private move(from: number, to: number): void {
    this.ids[to] = this.ids[from]!;
    this.hi[to] = this.hi[from]!;
    this.lo[to] = this.lo[from]!;
  }

  private put(at: number, id: number, h: number, l: number): void {
    this.ids[at] = id;
    this.hi[at] = h;
    this.lo[at] = l;
  }
}

/**
 * The best `k` of the ids fed to it, in the order `key` gives them read `desc` or not. For
 * `valueless` value keys the ids without a value (NaN) are not kept but counted out of `valid`:
 * they come after the others in name order whatever the direction (L4), which `MissingTopK`
 * selects in a second pass when the window reaches them.
 */
export class TopK {
  /** Ids fed that have the sort value. */
  valid = 0;
  private readonly heap: Heap;
  private readonly paths: readonly string[];
  private readonly desc: boolean;

  constructor(
    k: number,
    private readonly key: SelectKey,
    desc: boolean,
    paths: readonly string[],
  ) {
    const byName = compareByName(paths);
    const tie = key.kind === 'random' ? (a: number, b: number) => compareCodeUnits(paths[a]!, paths[b]!) : byName;
    this.heap = new Heap(Math.max(0, k), desc && !this.byNameOnly() ? (a, b) => tie(b, a) : tie);
    this.paths = paths;
    this.desc = desc && !this.byNameOnly();
  }

  feed(ids: Int32Array, count: number): void {
    if (this.heap.k === 0) {
      this.count(ids, count);
      return;
    }
    const key = this.key;
    if (key.kind === 'random') this.feedRandom(ids, count, key.hashes, key.seed);
    else if (key.kind === 'value' && key.values) this.feedValues(ids, count, key.values, key.valueless);
    else {
      feedNames(this.heap, ids, count, this.paths, this.desc, undefined);
      this.valid += key.kind === 'name' ? count : 0;
    }
  }

  /** The kept ids, best first. */
  sorted(): Int32Array {
    return this.heap.sorted();
  }

  /** A value key without a column lists every id in name order, ascending either way (L4). */
  private byNameOnly(): boolean {
    return this.key.kind === 'value' && this.key.values === undefined;
  }

  private count(ids: Int32Array, count: number): void {
    const key = this.key;
    if (key.kind !== 'value' || !key.valueless) this.valid += key.kind === 'value' && !key.values ? 0 : count;
    else if (key.values) for (let i = 0; i < count; i++) if (!Number.isNaN(key.values[ids[i]!]!)) this.valid++;
  }

  private feedValues(ids: Int32Array, count: number, values: Float64Array, skipNaN: boolean): void {
    const heap = this.heap;
    const desc = this.desc;
    let valid = 0;
    // The worst kept value once the heap is full: a value strictly on its wrong side loses.
    let cut = heap.size === heap.k ? values[heap.ids[0]!]! : Number.NaN;
    for (let i = 0; i < count; i++) {
      const id = ids[i]!;
      const v = values[id]!;
      if (skipNaN && Number.isNaN(v)) continue;
      valid++;
      if (desc ? v < cut : v > cut) continue;
      f64[0] = v + 0; // -0 → +0, as float64Keys
      const bh = u32[HI]!;
      const bl = u32[LO]!;
      let h: number;
      let l: number;
      if (bh & 0x80000000) {
        h = ~bh >>> 0;
        l = ~bl >>> 0;
      } else {
        h = (bh | 0x80000000) >>> 0;
        l = bl;
      }
      if (desc) {
        h = ~h >>> 0;
        l = ~l >>> 0;
      }
      heap.offer(id, h, l);
      if (heap.size === heap.k) cut = values[heap.ids[0]!]!;
    }
    this.valid += valid;
  }

  private feedRandom(ids: Int32Array, count: number, hashes: Uint32Array, seed: number): void {
    const heap = this.heap;
    const flip = this.desc ? 0xffffffff : 0;
    let cut = heap.size === heap.k ? heap.hi[0]! : 0xffffffff;
    for (let i = 0; i < count; i++) {
      const id = ids[i]!;
      const h = (randomRank(hashes[id]!, seed) ^ flip) >>> 0;
      if (h > cut) continue;
      heap.offer(id, h, 0);
      if (heap.size === heap.k) cut = heap.hi[0]!;
    }
    this.valid += count;
  }
}

/**
 * The ids without a value of a `valueless` key, in name order (L4): the tail of a metric-sorted
 * list, selected only when a window reaches past the ids that have one.
 */
export class MissingTopK {
  private readonly heap: Heap;

  constructor(
    k: number,
    private readonly values: Float64Array,
    private readonly paths: readonly string[],
  ) {
    this.heap = new Heap(Math.max(0, k), compareByName(paths));
  }

  feed(ids: Int32Array, count: number): void {
    if (this.heap.k > 0) feedNames(this.heap, ids, count, this.paths, false, this.values);
  }

  sorted(): Int32Array {
    return this.heap.sorted();
  }
}

/** Offers ids by their packed natural key (complemented when `desc`); with `missingOf`, only those without a value there. */
function feedNames(heap: Heap, ids: Int32Array, count: number, paths: readonly string[], desc: boolean, missingOf: Float64Array | undefined): void {
  const flip = desc ? 0xffffffff : 0;
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    if (missingOf && !Number.isNaN(missingOf[id]!)) continue;
    const path = paths[id]!;
    packNaturalKey(path, path.lastIndexOf('/') + 1, 0, false, packed);
    const h = (packed[0]! ^ flip) >>> 0;
    const l = (packed[1]! ^ flip) >>> 0;
    if (heap.size === heap.k) {
      const wh = heap.hi[0]!;
      if (h > wh || (h === wh && l > heap.lo[0]!)) continue;
    }
    heap.offer(id, h, l);
  }
}
