import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AnnIndex, buildIndexFile } from './ann-index.js';
import { EmbeddingSet } from './embedding-set.js';
import { exactSearch } from './exact-search.js';
import { encodeHalves } from '../lib/half.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-ann-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Clustered unit vectors (50 centres plus noise), like real embeddings: shared memory, as a table's are. */
function clustered(count: number, dim: number, seed: number): EmbeddingSet {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const centres = Array.from({ length: 50 }, () => Array.from({ length: dim }, rand));
  const vectors = new Float32Array(count * dim);
  for (let slot = 0; slot < count; slot++) {
    const centre = centres[slot % 50]!;
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const x = centre[d]! + 0.6 * rand();
      vectors[slot * dim + d] = x;
      norm += x * x;
    }
    for (let d = 0; d < dim; d++) vectors[slot * dim + d]! /= Math.sqrt(norm);
  }
  const halves = new Uint16Array(new SharedArrayBuffer(count * dim * 2));
  encodeHalves(vectors, 0, halves, 0, count * dim);
  const set = EmbeddingSet.over('e', dim, halves, Int32Array.from({ length: count }, (_, i) => i));
  set.reveal(count);
  return set;
}

async function build(set: EmbeddingSet, file: string): Promise<{ reused: boolean; progress: number[] }> {
  const progress: number[] = [];
  const handle = buildIndexFile({ vectors: set.vectors.buffer as SharedArrayBuffer, count: set.count, dim: set.dim, file, threads: 1 }, (done) => progress.push(done));
  const { reused } = await handle.done;
  return { reused, progress };
}

describe('approximate index', () => {
  const set = clustered(6000, 64, 11);
  const file = path.join(dir, 'e.usearch');

  it('[EM4] finds at least 95% of the exact top 10 (recall@10) on a generated set, with progress while it builds', async () => {
    const { reused, progress } = await build(set, file);
    expect(reused).toBe(false);
    expect(progress.at(-1)).toBe(6000);
    expect(progress.length).toBeGreaterThan(1);
    const index = AnnIndex.view(file, set.dim, set.version);
    expect(index.size).toBe(6000);
    let hits = 0;
    const queries = 200;
    for (let q = 0; q < queries; q++) {
      const slot = (q * 29) % set.count;
      const query = new Float32Array(set.dim);
      set.decodeInto(slot, query, 0);
      const truth = new Set(exactSearch(set, query, 10, () => true).map((f) => f.id));
      for (const found of index.search(query, 10)) if (truth.has(found)) hits++;
    }
    const recall = hits / (queries * 10);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('[EM4] a start with the same vectors keeps the saved index; changed vectors rebuild it', async () => {
    const before = statSync(file).mtimeMs;
    expect((await build(set, file)).reused).toBe(true);
    expect(statSync(file).mtimeMs).toBe(before);
    set.vectors[5] = set.vectors[5]! ^ 0x8000; // its sign flipped
    expect((await build(set, file)).reused).toBe(false);
  });
});
