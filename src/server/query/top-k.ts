import { compareCodeUnits, randomRank } from './collation.js';
import { compareByName } from './name-order.js';
import { packNaturalKey } from './natural-keys.js';

/**
 * The first window of a list whose whole-catalog order is not built yet (SPEC.md TK1): one pass
 * over the listed ids keeping the best `k` in a bounded heap, instead of waiting seconds for a
 * 10M-id sort. Each order is a 64-bit key per id with a tiebreak, the very keys the full sorts use
 * (sorters.ts), so the window holds the same ids in the same order: name = the packed natural key
 * (`packNaturalKey`), ties by L1; added/metric = the float's order-preserving bits (`float64Keys`),
 * ties by name; random = `randomRank`, ties by path. `desc` complements the key and reverses the
 * tiebreak (L4: the exact reverse). Most ids lose to the heap's worst on the key alone.
 */
export type SelectKey =
  | { kind: 'name' }
  | { kind: 'value'; values: Float64Array | undefined; valueless: boolean }
  | { kind: 'random'; hashes: Uint32Array; seed: number };

const NAME = 0;
const VALUE = 1;
const RANDOM = 2;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

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

  /** Whether (id, h, l) comes before the root (the worst kept). */
  beatsWorst(id: number, h: number, l: number): boolean {
    const wh = this.hi[0]!;
    if (h !== wh) return h < wh;
    const wl = this.lo[0]!;
    if (l !== wl) return l < wl;
    return this.tie(id, this.ids[0]!) < 0;
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
 * The first `k` of `ids[0..count)` in the order `key` gives them, read `desc` or not: a window of
 * `arrange(...)` read with `idAt`, without sorting the rest. For `valueless` value keys the ids
 * without a value (NaN) come after the others in name order whatever the direction (L4), and
 * `valid` counts the ids that have one.
 */
export function selectTop(ids: Int32Array, count: number, k: number, key: SelectKey, desc: boolean, paths: readonly string[]): { ids: Int32Array; valid: number } {
  const byName = compareByName(paths);
  if (key.kind === 'value' && key.values === undefined) return { ids: select(ids, count, k, NAME, undefined, undefined, 0, false, byName, paths, false), valid: 0 };
  const tie = key.kind === 'random' ? (a: number, b: number) => compareCodeUnits(paths[a]!, paths[b]!) : byName;
  const values = key.kind === 'value' ? key.values : undefined;
  const valueless = key.kind === 'value' && key.valueless;
  const kind = key.kind === 'name' ? NAME : key.kind === 'value' ? VALUE : RANDOM;
  const hashes = key.kind === 'random' ? key.hashes : undefined;
  const seed = key.kind === 'random' ? key.seed : 0;
  const best = select(ids, count, k, kind, values, hashes, seed, desc, desc ? (a, b) => tie(b, a) : tie, paths, valueless);
  if (!valueless) return { ids: best, valid: count };
  let valid = 0;
  for (let i = 0; i < count; i++) if (!Number.isNaN(values![ids[i]!]!)) valid++;
  if (best.length >= k || valid === count) return { ids: best, valid };
  const missing = new Int32Array(count - valid);
  let m = 0;
  for (let i = 0; i < count; i++) if (Number.isNaN(values![ids[i]!]!)) missing[m++] = ids[i]!;
  const rest = select(missing, m, k - best.length, NAME, undefined, undefined, 0, false, byName, paths, false);
  const out = new Int32Array(best.length + rest.length);
  out.set(best);
  out.set(rest, best.length);
  return { ids: out, valid };
}

const out = new Uint32Array(2);

/** The pass itself: one loop, the key computed inline by kind (no call per id on the hot path). */
function select(
  ids: Int32Array,
  count: number,
  k: number,
  kind: number,
  values: Float64Array | undefined,
  hashes: Uint32Array | undefined,
  seed: number,
  desc: boolean,
  tie: (a: number, b: number) => number,
  paths: readonly string[],
  skipNaN: boolean,
): Int32Array {
  if (k <= 0) return new Int32Array(0);
  const heap = new Heap(k, tie);
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    let h: number;
    let l: number;
    if (kind === VALUE) {
      const v = values![id]!;
      if (skipNaN && Number.isNaN(v)) continue;
      f64[0] = v + 0; // -0 → +0, as float64Keys
      const bh = u32[HI]!;
      const bl = u32[LO]!;
      if (bh & 0x80000000) {
        h = ~bh >>> 0;
        l = ~bl >>> 0;
      } else {
        h = (bh | 0x80000000) >>> 0;
        l = bl;
      }
    } else if (kind === RANDOM) {
      h = randomRank(hashes![id]!, seed);
      l = 0;
    } else {
      const path = paths[id]!;
      packNaturalKey(path, path.lastIndexOf('/') + 1, 0, false, out);
      h = out[0]!;
      l = out[1]!;
    }
    if (desc) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    }
    if (heap.size === k) {
      const wh = heap.hi[0]!;
      if (h > wh || (h === wh && l > heap.lo[0]!)) continue;
    }
    heap.offer(id, h, l);
  }
  return heap.sorted();
}
