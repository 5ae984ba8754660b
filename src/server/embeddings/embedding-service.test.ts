import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { similarBodySchema } from '../../protocol/embeddings.js';
import { Catalog } from '../catalog/catalog.js';
import type { DatasetSource } from '../datasets/dataset-source.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import { QueryEngine } from '../query/query-engine.js';
import { AnnIndex } from './ann-index.js';
import { EmbeddingService } from './embedding-service.js';
import { EmbeddingSet, writeNormalised } from './embedding-set.js';
import { exactSearchAmong } from './exact-search.js';
import { SqliteEmbeddingStore } from './sqlite-embedding-store.js';

// 3,000 items in 30 tight clusters (item i near centre i % 30, metric `group` = i % 30), so a filter
// on `group` keeps whole clusters: a query from a cluster outside it finds none of its index
// neighbours in scope, the case that falls back to exact search.
const ITEMS = 3000;
const GROUPS = 30;
const DIM = 16;
const NO_LABELS: LabelLookup = { peek: () => undefined, forEachLabeled: () => undefined };

let dir: string;
let catalog: Catalog;
let service: EmbeddingService;
const vectors: number[][] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-emb-service-'));
  catalog = new Catalog();
  let seed = 7;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  const centres = Array.from({ length: GROUPS }, () => Array.from({ length: DIM }, rand));
  for (let i = 0; i < ITEMS; i++) {
    const id = catalog.upsert({ path: `/g${i % GROUPS}/img_${i}.jpg`, type: 'image/jpeg', w: 1, h: 1, addedMs: 0 });
    catalog.setMetric('group', id, i % GROUPS);
    vectors.push(centres[i % GROUPS]!.map((c) => c + 0.05 * rand()));
  }
  const query = new QueryEngine({ catalog, labels: NO_LABELS, labelRevision: () => 0 });
  const source = { progress: () => ({ state: 'done' }), whenIdle: () => Promise.resolve() } as unknown as DatasetSource;
  // Scopes above 100 items go through the index, as scopes above 20,000 do by default.
  service = new EmbeddingService({
    catalog,
    source,
    query,
    labels: NO_LABELS,
    store: new SqliteEmbeddingStore(null),
    indexDir: dir,
    exactScope: 100,
    scanScope: 200,
    rebuildDelayMs: 0,
    buildThreads: 1,
  });
  await service.load();
  for (let at = 0; at < ITEMS; at += 1000) {
    await service.put({ embedding: 'e', items: vectors.slice(at, at + 1000).map((vector, j) => ({ path: `/g${(at + j) % GROUPS}/img_${at + j}.jpg`, vector })) });
  }
  while (service.list()[0]?.index.state !== 'ready') await new Promise((resolve) => setTimeout(resolve, 20));
}, 60_000);
afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The exact answer: the `k` best of the items passing `keep`, over a set holding the same vectors
 * as the service's (normalised, then stored as it stores them), so scores and ties match bit for bit.
 */
function exactTop(queryItem: number, keep: (i: number) => boolean, k: number): string[] {
  const reference = new EmbeddingSet('reference', DIM, 0);
  const unit = new Float32Array(DIM);
  const candidates: number[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const id = catalog.idOf(`/g${i % GROUPS}/img_${i}.jpg`)!;
    writeNormalised(vectors[i]!, unit, 0, DIM);
    reference.put(id, unit);
    if (keep(i)) candidates.push(id);
  }
  const query = reference.vectorOf(catalog.idOf(`/g${queryItem % GROUPS}/img_${queryItem}.jpg`)!)!;
  return exactSearchAmong(reference, query, k, Int32Array.from(candidates), candidates.length).map((s) => catalog.paths[s.id]!);
}

const similar = (queryItem: number, filters: unknown[], k: number) =>
  service.similar(similarBodySchema.parse({ embedding: 'e', path: `/g${queryItem % GROUPS}/img_${queryItem}.jpg`, k, filters })).items;

describe('EmbeddingService.similar through the index', () => {
  it('[EM3] k items of the scope, best first, whether the query is in the scope or far outside it', () => {
    const inScope = (i: number) => i % GROUPS < 3;
    const filters = [{ metric: 'group', max: 2 }];
    // Inside the scope: the index's candidates hold k that pass.
    const near = similar(31, filters, 50);
    expect(near).toHaveLength(50);
    expect(near.every((item) => /^\/g1\//.test(item.path))).toBe(true);
    const scores = near.map((item) => item.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // Far outside it (cluster 15): none of its neighbours pass; the scope is searched exactly.
    const far = similar(15, filters, 50);
    expect(far.map((item) => item.path)).toEqual(exactTop(15, inScope, 50));
  });

  it('[EM3] a scope scanned once is scanned again without asking the index, and answers exactly', () => {
    // Clusters 0-2: 300 items, over the scan threshold (200 here, 20,000 by default).
    const inScope = (i: number) => i % GROUPS < 3;
    const filters = [{ metric: 'group', max: 2 }];
    const searches = vi.spyOn(AnnIndex.prototype, 'search');
    try {
      // Its neighbourhood outside the scope: the index is asked (unless the copy is kept from the
      // tests above), then the scope scanned, and the copy made.
      expect(similar(25, filters, 40).map((item) => item.path)).toEqual(exactTop(25, inScope, 40));
      searches.mockClear();
      // The copy is kept: inside or outside the scope, no index search, the exact answer.
      for (const queryItem of [1, 31, 27, 123]) expect(similar(queryItem, filters, 40).map((item) => item.path)).toEqual(exactTop(queryItem, inScope, 40));
      expect(searches).not.toHaveBeenCalled();
    } finally {
      searches.mockRestore();
    }
  });

  it('[EM3] a scope asked again, or another one in between, lists only its own items', () => {
    const low = [{ metric: 'group', max: 2 }];
    const high = [{ metric: 'group', min: 20, max: 22 }];
    for (let round = 0; round < 3; round++) {
      for (const [filters, from] of [
        [low, 0],
        [high, 20],
      ] as const) {
        for (const queryItem of [1, 21, 14]) {
          const found = similar(queryItem, filters, 120);
          expect(found).toHaveLength(120);
          const groups = new Set(found.map((item) => Number(/^\/g(\d+)\//.exec(item.path)![1])));
          expect([...groups].every((g) => g >= from && g <= from + 2)).toBe(true);
          expect(found.map((item) => item.path)).toEqual(exactTop(queryItem, (i) => i % GROUPS >= from && i % GROUPS <= from + 2, 120));
        }
      }
    }
  });
});

describe('EmbeddingService.similar on a large scope', () => {
  let scanner: EmbeddingService;
  beforeAll(async () => {
    // Every scope searched exactly (as before the index is built), and those of 1,000 items or
    // more on int8 copies, as those of 20,000 are by default.
    const source = { progress: () => ({ state: 'done' }), whenIdle: () => Promise.resolve() } as unknown as DatasetSource;
    const query = new QueryEngine({ catalog, labels: NO_LABELS, labelRevision: () => 0 });
    const store = new SqliteEmbeddingStore(null);
    scanner = new EmbeddingService({ catalog, source, query, labels: NO_LABELS, store, indexDir: dir, exactScope: 10 * ITEMS, scanScope: 1000, rebuildDelayMs: 60_000 });
    await scanner.load();
    await scanner.put({ embedding: 'e', items: vectors.map((vector, i) => ({ path: `/g${i % GROUPS}/img_${i}.jpg`, vector })).slice(0, 2000) });
    await scanner.put({ embedding: 'e', items: vectors.map((vector, i) => ({ path: `/g${i % GROUPS}/img_${i}.jpg`, vector })).slice(2000) });
  });
  afterAll(() => scanner?.close());

  const scan = (queryItem: number, filters: unknown[], k: number) =>
    scanner.similar(similarBodySchema.parse({ embedding: 'e', path: `/g${queryItem % GROUPS}/img_${queryItem}.jpg`, k, filters })).items;

  it('[EM3] a large scope searched exactly is scanned on its int8 copy and gives the exact answer, also after a PUT changes a vector', async () => {
    // 1,500 items (clusters 0-14), more than the 1,000 candidates the scan re-ranks: the int8
    // order decides which come back.
    const inScope = (i: number) => i % GROUPS <= 14;
    const filters = [{ metric: 'group', max: 14 }];
    for (const queryItem of [3, 16, 20, 29, 47]) {
      const found = scan(queryItem, filters, 60);
      expect(found.map((item) => item.path)).toEqual(exactTop(queryItem, inScope, 60));
    }
    // A PUT moves the in-scope item least like item 20 onto item 20's vector: the copy kept from
    // before would not list it among its candidates.
    const last = exactTop(20, inScope, 1500).at(-1)!;
    const moved = Number(/img_(\d+)/.exec(last)![1]);
    vectors[moved] = [...vectors[20]!];
    await scanner.put({ embedding: 'e', items: [{ path: last, vector: vectors[moved]! }] });
    const after = scan(20, filters, 60);
    expect(after[0]!.path).toBe(last);
    expect(after.map((item) => item.path)).toEqual(exactTop(20, inScope, 60));
  });
});
