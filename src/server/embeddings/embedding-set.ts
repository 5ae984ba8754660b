import { AppError } from '../app-error.js';
import { decodeHalves, encodeHalves } from '../lib/half.js';

/**
 * One embedding's vectors (EM1): unit-length rows rounded to half precision (half.ts) packed in
 * ONE Uint16Array, one slot per vector, and which catalog item each slot belongs to. Slots only
 * ever grow or are overwritten in place, so a slot number is a stable key for the approximate
 * index over them (ann-index.ts).
 */
export class EmbeddingSet {
  /** Halves, `count * dim` of them in use; may live in a SharedArrayBuffer a worker fills. */
  vectors: Uint16Array;
  /** The catalog id of each slot; -1: no item (a row without a vector, a path not in the catalog). */
  ids: Int32Array;
  /** Slots in use: rows read so far while a table's vectors are loading. */
  count = 0;
  /** Slots holding a vector (a table row without a valid one holds none). */
  filled = 0;
  /** Bumped whenever a vector is written: the index built before it no longer covers the set. */
  version = 0;
  /** Slot + 1 of each catalog id (0: none), grown as ids come: a typed array, not a Map of a million entries. */
  private slotPlusOne = new Int32Array(0);
  /** A vector being normalised before it is rounded to halves. */
  private readonly unit: Float32Array;

  constructor(
    readonly name: string,
    readonly dim: number,
    capacity: number,
  ) {
    this.vectors = new Uint16Array(capacity * dim);
    this.unit = new Float32Array(dim);
    this.ids = new Int32Array(capacity).fill(-1);
  }

  /** A set over vectors a reader fills slot by slot (a table column, row r in slot r). */
  static over(name: string, dim: number, vectors: Uint16Array, ids: Int32Array): EmbeddingSet {
    const set = new EmbeddingSet(name, dim, 0);
    set.vectors = vectors;
    set.ids = ids;
    return set;
  }

  /** Slots [from, to) are now readable (a table reader's progress): their ids become searchable. */
  reveal(to: number): void {
    for (let slot = this.count; slot < to; slot++) {
      const id = this.ids[slot]!;
      if (id >= 0) {
        this.bind(id, slot);
        this.filled++;
      }
    }
    this.count = Math.max(this.count, to);
    this.version++;
  }

  slotOf(id: number): number | undefined {
    const s = id < this.slotPlusOne.length ? this.slotPlusOne[id]! : 0;
    return s === 0 ? undefined : s - 1;
  }

  private bind(id: number, slot: number): void {
    if (id >= this.slotPlusOne.length) {
      const grown = new Int32Array(Math.max(id + 1, this.slotPlusOne.length * 2, 1024));
      grown.set(this.slotPlusOne);
      this.slotPlusOne = grown;
    }
    this.slotPlusOne[id] = slot + 1;
  }

  /** The vector of `id` as float32 (a copy), or undefined when it has none. */
  vectorOf(id: number): Float32Array | undefined {
    const slot = this.slotOf(id);
    if (slot === undefined) return undefined;
    const out = new Float32Array(this.dim);
    this.decodeInto(slot, out, 0);
    return out;
  }

  /** Decodes slot `slot` into `out` at `at`. */
  decodeInto(slot: number, out: Float32Array, at: number): void {
    decodeHalves(this.vectors, slot * this.dim, out, at, this.dim);
  }

  /** Writes `vector` (normalised) for `id`, in its slot or a new one; refuses a wrong length. */
  put(id: number, vector: ArrayLike<number>): number {
    if (vector.length !== this.dim) throw new AppError('invalid_body', `embedding ${this.name} has ${this.dim} dimensions, a vector has ${vector.length}`);
    let slot = this.slotOf(id);
    if (slot === undefined) {
      slot = this.count++;
      this.ensure(this.count);
      this.ids[slot] = id;
      this.bind(id, slot);
      this.filled++;
    }
    this.write(vector, slot);
    this.version++;
    return slot;
  }

  /** Writes `vector` (normalised) into `slot`; false, and nothing changes, when the slot already holds it. */
  overwrite(slot: number, vector: ArrayLike<number>): boolean {
    const halves = new Uint16Array(this.dim);
    writeNormalised(vector, this.unit, 0, this.dim);
    encodeHalves(this.unit, 0, halves, 0, this.dim);
    const at = slot * this.dim;
    let same = true;
    for (let d = 0; d < this.dim && same; d++) same = this.vectors[at + d] === halves[d];
    if (same) return false;
    this.vectors.set(halves, at);
    this.version++;
    return true;
  }

  /** Adds a slot for a vector whose item is not known yet (`rebind` gives it one). */
  append(vector: ArrayLike<number>): number {
    const slot = this.count++;
    this.ensure(this.count);
    this.write(vector, slot);
    this.version++;
    return slot;
  }

  private write(vector: ArrayLike<number>, slot: number): void {
    writeNormalised(vector, this.unit, 0, this.dim);
    encodeHalves(this.unit, 0, this.vectors, slot * this.dim, this.dim);
  }

  /** Moves slot `slot` to item `id` (a stored vector whose path the catalog now resolves differently). */
  rebind(slot: number, id: number): void {
    const old = this.ids[slot]!;
    if (old === id) return;
    if (old >= 0 && this.slotOf(old) === slot) {
      this.slotPlusOne[old] = 0;
      this.filled--;
    }
    this.ids[slot] = id;
    if (id >= 0) {
      this.bind(id, slot);
      this.filled++;
    }
  }

  private ensure(slots: number): void {
    if (this.ids.length >= slots) return;
    const capacity = Math.max(slots, this.ids.length * 2, 1024);
    const vectors = new Uint16Array(capacity * this.dim);
    vectors.set(this.vectors.subarray(0, this.ids.length * this.dim));
    const ids = new Int32Array(capacity).fill(-1);
    ids.set(this.ids);
    this.vectors = vectors;
    this.ids = ids;
  }
}

/**
 * Writes `vector / |vector|` into `out` at `at` (EM1: cosine is then a dot product). A zero
 * vector stays zero: it scores 0 against everything.
 */
export function writeNormalised(vector: ArrayLike<number>, out: Float32Array, at: number, dim: number): void {
  let norm = 0;
  for (let d = 0; d < dim; d++) norm += vector[d]! * vector[d]!;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let d = 0; d < dim; d++) out[at + d] = vector[d]! * scale;
}
