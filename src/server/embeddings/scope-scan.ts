import type { IdList } from '../query/filters.js';
import type { EmbeddingSet } from './embedding-set.js';
import { dotAt, type Scored, TopK } from './exact-search.js';
import { HALF_TO_FLOAT } from '../lib/half.js';
import { usearch } from './usearch-module.js';

/**
 * A scope's vectors as int8 (EM3): each unit vector's components × 127, rounded and clamped, one
 * row per scope item that has a vector. usearch's native exact search takes no halves, and float32
 * copies would be 2 KB a vector; int8 is 512 B at 512-d and SIMD in the addon.
 */
export interface ScopeCopy {
  /** What it was built from: a different list, set, vector version or catalog binding is another copy. */
  scope: Readonly<IdList>;
  set: EmbeddingSet;
  version: number;
  generation: number;
  /** Rows in use. */
  count: number;
  /** The catalog id of each row. */
  ids: Int32Array;
  /** The set slot of each row. */
  slots: Int32Array;
  codes: Int8Array;
}

/** One component of a unit vector as int8: ±1 is ±127; clamped, as a half-rounded component may be a hair past 1. */
function code(x: number): number {
  return Math.min(127, Math.max(-127, Math.round(x * 127)));
}

/** Each half's int8 code: a copy is one lookup a component (a 100k × 512 copy was ~8× the CPU computing them). */
let halfToCode: Int8Array | undefined;
function codeTable(): Int8Array {
  if (!halfToCode) {
    halfToCode = new Int8Array(65536);
    for (let h = 0; h < 65536; h++) {
      const x = HALF_TO_FLOAT[h]!;
      halfToCode[h] = Number.isNaN(x) ? 0 : code(x);
    }
  }
  return halfToCode;
}

export function buildScopeCopy(set: EmbeddingSet, scope: Readonly<IdList>, generation: number): ScopeCopy {
  const { dim, vectors } = set;
  const table = codeTable();
  const ids = new Int32Array(scope.count);
  const slots = new Int32Array(scope.count);
  const codes = new Int8Array(scope.count * dim);
  let count = 0;
  for (let i = 0; i < scope.count; i++) {
    const id = scope.ids[i]!;
    const slot = set.slotOf(id);
    if (slot === undefined) continue;
    const from = slot * dim;
    const to = count * dim;
    for (let d = 0; d < dim; d++) codes[to + d] = table[vectors[from + d]!]!;
    ids[count] = id;
    slots[count] = slot;
    count++;
  }
  return { scope, set, version: set.version, generation, count, ids, slots, codes: codes.subarray(0, count * dim) };
}

/**
 * The `k` best of the copy's rows for `query` (EM2 scores): usearch scans the int8 rows for
 * `max(4k, MIN_CANDIDATES)` candidates, which are re-ranked by their exact half-precision scores.
 * The int8 rounding moves a score by well under 0.01, so the true top k sit among them.
 */
export function scanScope(copy: ScopeCopy, query: Float32Array, k: number, threads: number): Scored[] {
  const { set, count } = copy;
  if (count === 0) return [];
  const { dim } = set;
  const want = Math.min(count, Math.max(4 * k, MIN_CANDIDATES));
  const q = new Int8Array(dim);
  for (let d = 0; d < dim; d++) q[d] = code(query[d]!);
  const top = new TopK(k);
  const { keys } = usearch().exactSearch(copy.codes, q, dim, want, 'cos', threads);
  for (let i = 0; i < keys.length; i++) {
    const row = Number(keys[i]!);
    if (row >= count) continue; // usearch pads a short answer with max keys
    top.offer(copy.ids[row]!, dotAt(set.vectors, copy.slots[row]! * dim, query, 0, dim));
  }
  return top.sorted();
}

/** Candidates the int8 scan hands to the exact re-rank at least (EM3). */
export const MIN_CANDIDATES = 1000;

/**
 * The last `max` scope copies, most recently used last: a copy of 100k × 512 is 51 MB, and a user
 * pages through one filtered view at a time (two: switching between two views is not a rebuild).
 */
export class ScopeCopies {
  private readonly copies: ScopeCopy[] = [];

  constructor(private readonly max = 2) {}

  get(set: EmbeddingSet, scope: Readonly<IdList>, generation: number): ScopeCopy {
    const at = this.copies.findIndex((c) => c.scope === scope && c.set === set && c.version === set.version && c.generation === generation);
    if (at >= 0) {
      const [hit] = this.copies.splice(at, 1);
      this.copies.push(hit!);
      return hit!;
    }
    // A copy of an older version or binding of the same set and scope is of no further use.
    for (let i = this.copies.length - 1; i >= 0; i--) if (this.copies[i]!.scope === scope && this.copies[i]!.set === set) this.copies.splice(i, 1);
    // Dropped before the new one is built: never more than `max` copies alive at once.
    while (this.copies.length >= this.max) this.copies.shift();
    const copy = buildScopeCopy(set, scope, generation);
    this.copies.push(copy);
    return copy;
  }

  /** Whether the copy of this scope, as the set and catalog are now, is kept. */
  has(set: EmbeddingSet, scope: Readonly<IdList>, generation: number): boolean {
    return this.copies.some((c) => c.scope === scope && c.set === set && c.version === set.version && c.generation === generation);
  }

  get size(): number {
    return this.copies.length;
  }
}
