import type { EmbeddingSet } from './embedding-set.js';
import { HALF_TO_FLOAT } from '../lib/half.js';

/** A slot and its cosine score against the query. */
export interface Scored {
  id: number;
  score: number;
}

/**
 * The best `k` by score, kept in a min-heap of `k` entries so a scan of a million vectors holds
 * k scores, not a million.
 */
export class TopK {
  private readonly ids: Int32Array;
  private readonly scores: Float32Array;
  size = 0;

  constructor(private readonly k: number) {
    this.ids = new Int32Array(k);
    this.scores = new Float32Array(k);
  }

  /** The score an entry must beat to get in once the heap is full. */
  get floor(): number {
    return this.size < this.k ? -Infinity : this.scores[0]!;
  }

  offer(id: number, score: number): void {
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.scores[parent]! <= score) break;
        this.scores[i] = this.scores[parent]!;
        this.ids[i] = this.ids[parent]!;
        i = parent;
      }
      this.scores[i] = score;
      this.ids[i] = id;
      return;
    }
    if (score <= this.scores[0]!) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && this.scores[right]! < this.scores[left]! ? right : left;
      if (this.scores[child]! >= score) break;
      this.scores[i] = this.scores[child]!;
      this.ids[i] = this.ids[child]!;
      i = child;
    }
    this.scores[i] = score;
    this.ids[i] = id;
  }

  /** Best first; equal scores by id, so answers are deterministic. */
  sorted(): Scored[] {
    const out: Scored[] = [];
    for (let i = 0; i < this.size; i++) out.push({ id: this.ids[i]!, score: this.scores[i]! });
    return out.sort((a, b) => b.score - a.score || a.id - b.id);
  }
}

/**
 * The dot product of the halves `a[at..at+dim)` and the float32 `b[bt..bt+dim)`: unit vectors, so
 * their cosine (EM2). Each half is decoded through HALF_TO_FLOAT, a table that stays in cache.
 */
export function dotAt(a: Uint16Array, at: number, b: Float32Array, bt: number, dim: number): number {
  const table = HALF_TO_FLOAT;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  // Four accumulators: V8 keeps them in registers and the adds do not wait on each other.
  for (; d + 3 < dim; d += 4) {
    s0 += table[a[at + d]!]! * b[bt + d]!;
    s1 += table[a[at + d + 1]!]! * b[bt + d + 1]!;
    s2 += table[a[at + d + 2]!]! * b[bt + d + 2]!;
    s3 += table[a[at + d + 3]!]! * b[bt + d + 3]!;
  }
  for (; d < dim; d++) s0 += table[a[at + d]!]! * b[bt + d]!;
  return s0 + s1 + s2 + s3;
}

/**
 * Exact cosine search (EM2) over every slot of `set` whose item `accept`s (alive, in scope, passing
 * the filters): the answer the approximate index is measured against, and the one given until it
 * is built or when a filter leaves too few of its candidates.
 */
export function exactSearch(set: EmbeddingSet, query: Float32Array, k: number, accept: (id: number) => boolean): Scored[] {
  const top = new TopK(k);
  const { vectors, ids, dim } = set;
  for (let slot = 0; slot < set.count; slot++) {
    const id = ids[slot]!;
    if (id < 0 || !accept(id)) continue;
    top.offer(id, dotAt(vectors, slot * dim, query, 0, dim));
  }
  return top.sorted();
}

/** Exact search over the given candidate ids only (a selective filter's survivors). */
export function exactSearchAmong(set: EmbeddingSet, query: Float32Array, k: number, candidates: Int32Array, count: number): Scored[] {
  const top = new TopK(k);
  const { vectors, dim } = set;
  for (let i = 0; i < count; i++) {
    const id = candidates[i]!;
    const slot = set.slotOf(id);
    if (slot === undefined) continue;
    top.offer(id, dotAt(vectors, slot * dim, query, 0, dim));
  }
  return top.sorted();
}
