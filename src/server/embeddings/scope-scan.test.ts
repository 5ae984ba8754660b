import { describe, expect, it } from 'vitest';
import { EmbeddingSet } from './embedding-set.js';
import { exactSearchAmong } from './exact-search.js';
import { buildScopeCopy, MIN_CANDIDATES, ScopeCopies, scanScope } from './scope-scan.js';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** `clusters` centres, each item a centre plus small noise: many near-equal scores, the hard case for int8. */
function clustered(count: number, dim: number, clusters: number, seed: number): EmbeddingSet {
  const rand = seeded(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, rand));
  const set = new EmbeddingSet('e', dim, 0);
  for (let i = 0; i < count; i++) {
    const c = centres[i % clusters]!;
    set.put(i * 3 + 1, c.map((x) => x + rand() * 0.15));
  }
  return set;
}

describe('scope scan on int8 copies', () => {
  it('[EM3] a large scope scanned on its int8 copy and re-ranked gives the exact search: k results, same order, same scores', () => {
    const set = clustered(6000, 64, 12, 7);
    // The scope: every other item (ids the catalog could list), plus an id without a vector.
    const ids = new Int32Array(3001);
    for (let i = 0; i < 3000; i++) ids[i] = (2 * i) * 3 + 1;
    ids[3000] = 2;
    const scope = { ids, count: 3001 };
    const copy = buildScopeCopy(set, scope, 0);
    expect(copy.count).toBe(3000);
    expect(copy.count).toBeGreaterThan(MIN_CANDIDATES * 2); // the scan really leaves rows out
    const rand = seeded(99);
    for (let q = 0; q < 40; q++) {
      const query = q % 2 === 0 ? set.vectorOf(((q * 37) % 6000) * 3 + 1)! : new Float32Array(Array.from({ length: 64 }, rand));
      if (q % 2 === 1) {
        let n = 0;
        for (const x of query) n += x * x;
        for (let d = 0; d < 64; d++) query[d]! /= Math.sqrt(n);
      }
      for (const k of [10, 300]) {
        const want = exactSearchAmong(set, query, k, scope.ids, scope.count);
        expect(want).toHaveLength(k);
        expect(scanScope(copy, query, k, 2)).toEqual(want);
      }
    }
  });

  it('[EM3] keeps at most two copies, and a changed vector (a PUT) makes a new one', () => {
    const set = clustered(100, 8, 3, 1);
    const scopes = [0, 1, 2].map((s) => ({ ids: Int32Array.from({ length: 30 }, (_, i) => (s * 30 + i) * 3 + 1), count: 30 }));
    const copies = new ScopeCopies(2);
    const a = copies.get(set, scopes[0]!, 0);
    expect(copies.get(set, scopes[0]!, 0)).toBe(a);
    copies.get(set, scopes[1]!, 0);
    copies.get(set, scopes[2]!, 0);
    expect(copies.size).toBe(2);
    expect(copies.get(set, scopes[0]!, 0)).not.toBe(a);
    const b = copies.get(set, scopes[0]!, 0);
    set.put(1, [1, 0, 0, 0, 0, 0, 0, 0]);
    const c = copies.get(set, scopes[0]!, 0);
    expect(c).not.toBe(b);
    expect(c.codes.subarray(0, 8)).toEqual(Int8Array.from([127, 0, 0, 0, 0, 0, 0, 0]));
    // The catalog rebinding paths (a new generation) is another copy too.
    expect(copies.get(set, scopes[0]!, 1)).not.toBe(c);
    expect(copies.size).toBe(2);
  });
});
