import { describe, expect, it } from 'vitest';
import { EmbeddingSet } from './embedding-set.js';
import { exactSearch, exactSearchAmong, TopK } from './exact-search.js';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/**
 * How far a held vector (or a score against a unit query) may be from the exact one (EM1): each
 * component is rounded to half precision, off by at most 2^-11 of itself, so the error vector is
 * at most 2^-11 long; plus float32 rounding of the sums.
 */
const HALF_ERROR = 2 ** -11 + 1e-6;
const near = (want: number) => expect.toSatisfy((x: number) => Math.abs(x - want) <= HALF_ERROR, `${want} ± ${HALF_ERROR}`);

describe('exact search', () => {
  it('[EM1] keeps vectors at unit length in half precision, so a dot product is the cosine; a zero vector scores 0', () => {
    const set = new EmbeddingSet('e', 3, 0);
    set.put(7, [3, 0, 4]);
    set.put(9, [0, 0, 0]);
    expect(Array.from(set.vectorOf(7)!)).toEqual([near(0.6), 0, near(0.8)]);
    // Not exactly 0.6: it is held as the nearest half (a test that would pass with float32 could not tell).
    expect(set.vectorOf(7)![0]).toBe(0.60009765625);
    const query = new Float32Array([0.6, 0, 0.8]);
    const found = exactSearch(set, query, 5, () => true);
    expect(found.map((f) => f.id)).toEqual([7, 9]);
    expect(found[0]!.score).toEqual(near(1));
    expect(found[1]!.score).toBe(0);
  });

  it('[EM1] a vector written again for an item replaces it in its slot', () => {
    const set = new EmbeddingSet('e', 2, 0);
    set.put(1, [1, 0]);
    set.put(2, [0, 1]);
    const version = set.version;
    set.put(1, [0, 2]);
    expect(set.count).toBe(2);
    expect(set.filled).toBe(2);
    expect(set.version).toBeGreaterThan(version);
    expect(Array.from(set.vectorOf(1)!)).toEqual([0, 1]);
  });

  it('[EM2] the top k equal a full sort by score, best first, ties by id', () => {
    const rand = seeded(7);
    const dim = 16;
    const set = new EmbeddingSet('e', dim, 0);
    for (let id = 0; id < 3000; id++) set.put(id, Array.from({ length: dim }, rand));
    // Ties: two items with the same vector.
    set.put(5000, Array.from(set.vectorOf(10)!));
    const query = set.vectorOf(10)!.slice();
    const all: { id: number; score: number }[] = [];
    for (let id = 0; id < 3000; id++) {
      const v = set.vectorOf(id)!;
      let s = 0;
      for (let d = 0; d < dim; d++) s += v[d]! * query[d]!;
      all.push({ id, score: s });
    }
    all.push({ id: 5000, score: all[10]!.score });
    all.sort((a, b) => b.score - a.score || a.id - b.id);
    const found = exactSearch(set, query, 50, () => true);
    expect(found.map((f) => f.id)).toEqual(all.slice(0, 50).map((f) => f.id));
    expect(found[0]!.id).toBe(10);
    expect(found[1]!.id).toBe(5000);
    for (const [i, f] of found.entries()) expect(f.score).toBeCloseTo(all[i]!.score, 5);
  });

  it('[EM3] searches only accepted ids, or only the given candidates', () => {
    const rand = seeded(3);
    const set = new EmbeddingSet('e', 8, 0);
    for (let id = 0; id < 500; id++) set.put(id, Array.from({ length: 8 }, rand));
    const query = set.vectorOf(0)!.slice();
    const even = exactSearch(set, query, 20, (id) => id % 2 === 0);
    expect(even).toHaveLength(20);
    expect(even.every((f) => f.id % 2 === 0)).toBe(true);
    const candidates = Int32Array.from({ length: 250 }, (_, i) => 2 * i);
    expect(exactSearchAmong(set, query, 20, candidates, candidates.length)).toEqual(even);
  });

  it('[EM2] TopK keeps the k best of a stream', () => {
    const top = new TopK(3);
    for (const [id, score] of [[1, 0.1], [2, 0.9], [3, 0.5], [4, 0.7], [5, 0.2], [6, 0.95]] as const) top.offer(id, score);
    expect(top.sorted().map((s) => s.id)).toEqual([6, 2, 4]);
  });
});
