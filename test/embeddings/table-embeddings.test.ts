import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetMetadataAsync, parquetRead } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuplicatesResponse } from '../../src/protocol/duplicates.js';
import type { EmbeddingInfo, SimilarResponse } from '../../src/protocol/embeddings.js';
import { openParquetFile } from '../../src/server/datasets/parquet-reader.js';
import { floatListColumns, readVectorGroup } from '../../src/server/datasets/parquet-vectors.js';
import { readTableEmbedding } from '../../src/server/datasets/table-embeddings.js';
import { decodeHalves, encodeHalves } from '../../src/server/lib/half.js';
import { type Launched, launch } from '../../src/server/launch.js';
import { embeddingTable } from './embedding-fixture.js';

const ROWS = 3000;
const DIM = 24;
let file: string;
let workspace: string;
let server: Launched;

beforeAll(async () => {
  file = await embeddingTable(ROWS, DIM, 1024);
  workspace = mkdtempSync(path.join(os.tmpdir(), 'lenslet-emb-ws-'));
  server = await launch({ path: file, port: 0, webDir: null, workspaceDir: workspace });
  await indexesReady(server);
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(path.dirname(file), { recursive: true, force: true });
  rmSync(workspace, { recursive: true, force: true });
});

async function call<T = unknown>(s: Launched, method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${s.url}${url}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function indexesReady(s: Launched, names = ['emb', 'emb_list']): Promise<EmbeddingInfo[]> {
  for (;;) {
    const { body } = await call<EmbeddingInfo[]>(s, 'GET', '/embeddings');
    if (names.every((n) => body.some((e) => e.name === n && e.index.state === 'ready'))) return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Row r's unit vector of a column, as the server keeps it (every row group read, rounded to halves: EM1). */
async function columnVectors(name: string): Promise<Float32Array> {
  const parquet = await openParquetFile(file);
  const { metadata, close } = parquet;
  try {
    const leaf = floatListColumns(metadata).find((l) => l.name === name)!;
    const out = new Float32Array(ROWS * DIM);
    let row = 0;
    for (let g = 0; g < metadata.row_groups.length; g++) {
      const rows = Number(metadata.row_groups[g]!.num_rows);
      await readVectorGroup(parquet, g, leaf, DIM, out.subarray(row * DIM, (row + rows) * DIM), new Uint8Array(rows));
      row += rows;
    }
    for (let r = 0; r < ROWS; r++) {
      const v = out.subarray(r * DIM, (r + 1) * DIM);
      const norm = Math.hypot(...v);
      for (let d = 0; d < DIM; d++) v[d]! /= norm;
    }
    const halves = new Uint16Array(out.length);
    encodeHalves(out, 0, halves, 0, out.length);
    decodeHalves(halves, 0, out, 0, out.length);
    return out;
  } finally {
    await close();
  }
}

const rowPath = (r: number) => `/shard_${r % 10}/img_${String(r).padStart(6, '0')}.jpg`;

/** The DU9 groups by brute force: each row linked to its 16 nearest scoring at least `minScore`, connected parts of two or more. */
function exactGroups(vectors: Float32Array, minScore: number): number[][] {
  const parent = Array.from({ length: ROWS }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x]!;
    return x;
  };
  for (let i = 0; i < ROWS; i++) {
    const scores: [number, number][] = [];
    for (let j = 0; j < ROWS; j++) {
      if (j === i) continue;
      let s = 0;
      for (let d = 0; d < DIM; d++) s += vectors[i * DIM + d]! * vectors[j * DIM + d]!;
      if (s >= minScore) scores.push([s, j]);
    }
    scores.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (const [, j] of scores.slice(0, 16)) parent[find(i)] = find(j);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < ROWS; i++) groups.set(find(i), [...(groups.get(find(i)) ?? []), i]);
  return [...groups.values()].filter((g) => g.length > 1);
}

const similar = (body: Record<string, unknown>) => call<SimilarResponse>(server, 'POST', '/similar', body);

describe('embedding columns of a table', () => {
  it('[EM6] decodes FIXED_SIZE_LIST and LIST float columns into unit vectors exactly as hyparquet reads them; null and short rows have none', async () => {
    const parquet = await openParquetFile(file);
    const { file: bytes, metadata, close } = parquet;
    try {
      const leaves = floatListColumns(metadata);
      expect(leaves.map((l) => l.name)).toEqual(['emb', 'emb_list', 'pair']);
      const rows = Number(metadata.row_groups[0]!.num_rows);
      for (const leaf of leaves.slice(0, 2)) {
        const out = new Float32Array(rows * DIM);
        const valid = new Uint8Array(rows);
        await readVectorGroup(parquet, 0, leaf, DIM, out, valid);
        const expected: number[][] = [];
        await parquetRead({ file: bytes, metadata: await parquetMetadataAsync(bytes), columns: [leaf.name], rowEnd: rows, onChunk: (c) => expected.push(...(c.columnData as number[][])) });
        for (let r = 0; r < rows; r++) {
          const row = expected[r];
          if (row === null || row === undefined || row.length !== DIM) {
            expect(valid[r]).toBe(0);
            continue;
          }
          expect(valid[r]).toBe(1);
          expect(Array.from(out.subarray(r * DIM, (r + 1) * DIM))).toEqual(row.map((x) => Math.fround(x)));
        }
        expect(valid.reduce((a, b) => a + b, 0)).toBe(leaf.name === 'emb' ? rows : rows - 2);
      }
    } finally {
      await close();
    }
  });

  it('[EM6] two readers share the row groups: the same halves as one reader, rows announced in order up to the first unread group', async () => {
    const { metadata, close } = await openParquetFile(file);
    const groupRows = metadata.row_groups.map((g) => Number(g.num_rows));
    await close();
    expect(groupRows.length).toBeGreaterThanOrEqual(2);
    const read = async (readers: number) => {
      const announced: number[] = [];
      const got = await readTableEmbedding(file, 'emb', groupRows, new Int32Array(ROWS), (rowEnd) => announced.push(rowEnd), readers);
      await got!.done;
      return { got: got!, announced };
    };
    const one = await read(1);
    const two = await read(2);
    expect(Buffer.from(two.got.vectors.buffer).equals(Buffer.from(one.got.vectors.buffer))).toBe(true);
    expect(Array.from(two.got.valid)).toEqual(Array.from(one.got.valid));
    const decoded = new Float32Array(ROWS * DIM);
    decodeHalves(two.got.vectors, 0, decoded, 0, ROWS * DIM);
    expect(Array.from(decoded)).toEqual(Array.from(await columnVectors('emb')));
    // Only ever whole prefixes of groups, growing, ending at every row.
    const prefixes = groupRows.map((_, g) => groupRows.slice(0, g + 1).reduce((a, b) => a + b, 0));
    for (const { announced } of [one, two]) {
      expect(announced.every((end, i) => prefixes.includes(end) && (i === 0 || end > announced[i - 1]!))).toBe(true);
      expect(announced.at(-1)).toBe(ROWS);
    }
  });

  it('[EM6] serves every column of fixed-length float vectors, not lists of other lengths; count and index progress in /embeddings and /health', async () => {
    const list = await indexesReady(server);
    expect(list).toEqual([
      { name: 'emb', dim: DIM, count: ROWS, index: { state: 'ready', done: ROWS, total: ROWS } },
      { name: 'emb_list', dim: DIM, count: ROWS - 2, index: { state: 'ready', done: ROWS - 2, total: ROWS - 2 } },
    ]);
    const health = await call<{ embeddings: EmbeddingInfo[] }>(server, 'GET', '/health');
    expect(health.body.embeddings).toEqual(list);
  });

  it('[EM2] ranks by cosine, best first: the item itself (score 1), then its own cluster', async () => {
    const { status, body } = await similar({ embedding: 'emb', path: '/shard_3/img_000013.jpg', k: 20 });
    expect(status).toBe(200);
    expect(body.items).toHaveLength(20);
    expect(body.items[0]).toMatchObject({ path: '/shard_3/img_000013.jpg', score: expect.closeTo(1, 5) });
    expect(body.items.every((i) => i.path.startsWith('/shard_3/'))).toBe(true);
    const scores = body.items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // By vector: the same ranking.
    const byVector = await similar({ embedding: 'emb', vector: Array.from({ length: DIM }, (_, d) => (d === 0 ? 1 : 0)), k: 5 });
    expect(byVector.body.items).toHaveLength(5);
  });

  it('[EM3] lists only the scope and the filter, and still k items when the filter is selective', async () => {
    const scoped = await similar({ embedding: 'emb', path: '/shard_3/img_000013.jpg', k: 10, path_scope: '/shard_4' });
    expect(scoped.body.items).toHaveLength(10);
    expect(scoped.body.items.every((i) => i.path.startsWith('/shard_4/'))).toBe(true);
    // One item in 300 passes: far fewer than the index's first candidates hold.
    const selective = await similar({ embedding: 'emb', path: '/shard_3/img_000013.jpg', k: 10, filters: [{ text: 'img_0000' }, { metric: 'shard', min: 7, max: 7 }] });
    expect(selective.body.items).toHaveLength(10);
    expect(selective.body.items.every((i) => /^\/shard_7\/img_0000\d\d\.jpg$/.test(i.path))).toBe(true);
    // The exact answer over the same candidates, for comparison: searched with no index involved.
    const wide = await similar({ embedding: 'emb', path: '/shard_3/img_000013.jpg', k: 1000, filters: [{ metric: 'shard', min: 7, max: 7 }] });
    expect(wide.body.items).toHaveLength(300);
    const top10 = wide.body.items.filter((i) => i.path.startsWith('/shard_7/img_0000')).slice(0, 10);
    expect(selective.body.items.map((i) => i.path)).toEqual(top10.map((i) => i.path));
  });

  it('[DU9] groups a column by cosine through its index (3,000 vectors), as exact links to each item\'s 16 nearest would', async () => {
    const minScore = 0.93;
    const vectors = await columnVectors('emb');
    const expected = exactGroups(vectors, minScore).map((g) => g.map(rowPath).sort());
    expect(expected.length).toBeGreaterThan(5);
    const response = await fetch(`${server.url}/duplicates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ embedding: 'emb', min_score: minScore }) });
    const body = (await response.json()) as DuplicatesResponse;
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ min_score: minScore, total: ROWS, pending: 0 });
    const found = body.groups.map((g) => g.items.map((i) => i.path).sort());
    const key = (groups: string[][]) => groups.map((g) => g.join(' ')).sort();
    expect(key(found)).toEqual(key(expected));
    for (const g of body.groups) expect(g.distance).toBeGreaterThanOrEqual(minScore - 1e-6);
  });

  it('[EM7] refuses an unknown embedding or path, a wrong length, a bad k, neither or both of path and vector', async () => {
    const cases: [Record<string, unknown>, number][] = [
      [{ embedding: 'nope', path: '/shard_3/img_000013.jpg' }, 404],
      [{ embedding: 'emb', path: '/shard_3/missing.jpg' }, 404],
      [{ embedding: 'emb_list', path: '/shard_3/img_000003.jpg' }, 404],
      [{ embedding: 'emb', vector: [1, 2, 3] }, 400],
      [{ embedding: 'emb', path: '/shard_3/img_000013.jpg', k: 0 }, 400],
      [{ embedding: 'emb', path: '/shard_3/img_000013.jpg', k: 1001 }, 400],
      [{ embedding: 'emb' }, 400],
      [{ embedding: 'emb', path: '/shard_3/img_000013.jpg', vector: [1] }, 400],
      [{ embedding: 'emb', path: '/shard_3/img_000013.jpg', path_scope: '/nowhere' }, 404],
    ];
    for (const [body, status] of cases) {
      const answer = await similar(body);
      expect({ body, status: answer.status }).toEqual({ body, status });
      expect((answer.body as unknown as { error: { code: string } }).error.code).toBeTypeOf('string');
    }
  });
});

describe('attached vectors', () => {
  const put = (s: Launched, body: unknown) => call<Record<string, unknown>>(s, 'PUT', '/embeddings', body);

  it('[EM5] are searchable at once, refuse a wrong length, an unknown path or a table column, and survive a restart with their index', async () => {
    expect((await put(server, { embedding: 'clip', items: [{ path: '/shard_1/img_000001.jpg', vector: [1, 0, 0] }, { path: '/shard_2/img_000002.jpg', vector: [1, 1, 0] }] })).body).toEqual({
      embedding: 'clip',
      dim: 3,
      count: 2,
      written: 2,
    });
    const found = await similar({ embedding: 'clip', vector: [1, 0, 0], k: 5 });
    // Vectors are held as halves (EM1): a score is off the exact cosine by at most 2^-11.
    const near = (want: number) => expect.toSatisfy((x: number) => Math.abs(x - want) <= 2 ** -11 + 1e-6);
    expect(found.body.items.map((i) => [i.path, i.score])).toEqual([
      ['/shard_1/img_000001.jpg', near(1)],
      ['/shard_2/img_000002.jpg', near(Math.SQRT1_2)],
    ]);
    expect((await put(server, { embedding: 'clip', items: [{ path: '/shard_1/img_000011.jpg', vector: [1, 0] }] })).status).toBe(400);
    expect((await put(server, { embedding: 'clip', items: [{ path: '/shard_1/img_000011.jpg', vector: [0, 0, 1] }, { path: '/nope.jpg', vector: [1, 0, 0] }] })).status).toBe(404);
    expect((await put(server, { embedding: 'emb', items: [{ path: '/shard_1/img_000011.jpg', vector: Array(DIM).fill(1) }] })).status).toBe(400);
    // Overwriting keeps one vector per item.
    await put(server, { embedding: 'clip', items: [{ path: '/shard_2/img_000002.jpg', vector: [0, 1, 0] }] });
    await indexesReady(server, ['emb', 'clip']);
    const embFile = path.join(workspace, 'embeddings', 'table-emb.usearch');
    const builtAt = statSync(embFile).mtimeMs;

    await server.close();
    server = await launch({ path: file, port: 0, webDir: null, workspaceDir: workspace });
    const list = await indexesReady(server, ['emb', 'emb_list', 'clip']);
    expect(list.find((e) => e.name === 'clip')).toEqual({ name: 'clip', dim: 3, count: 2, index: { state: 'ready', done: 2, total: 2 } });
    expect(statSync(embFile).mtimeMs).toBe(builtAt);
    const again = await similar({ embedding: 'clip', vector: [0, 1, 0], k: 5 });
    expect(again.body.items.map((i) => [i.path, Number(i.score.toFixed(4))])).toEqual([
      ['/shard_2/img_000002.jpg', 1],
      ['/shard_1/img_000001.jpg', 0],
    ]);
  }, 60_000);

  it('[DU9] attached vectors over 1,000 items in scope are grouped through their index: 503 indexing until it is built, then the expected groups', async () => {
    // Rows 0…1099 in ten families (row % 10), each vector its family's axis plus a small tilt.
    const items = Array.from({ length: 1100 }, (_, r) => {
      const vector = Array.from({ length: 12 }, (_, d): number => (d === r % 10 ? 1 : 0));
      vector[10] = 0.01 * ((r * 7919) % 13);
      vector[11] = 0.01 * ((r * 104729) % 7);
      return { path: rowPath(r), vector };
    });
    expect((await put(server, { embedding: 'families', items })).status).toBe(200);
    const group = () => fetch(`${server.url}/duplicates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ embedding: 'families' }) });
    const early = await group();
    expect([early.status, ((await early.json()) as { error: { code: string } }).error.code]).toEqual([503, 'indexing']);
    await indexesReady(server, ['families']);
    const ready = await group();
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as DuplicatesResponse;
    const families = Array.from({ length: 10 }, (_, f) => items.filter((_, r) => r % 10 === f).map((i) => i.path).sort());
    expect(body.groups.map((g) => g.items.map((i) => i.path).sort()).sort((x, y) => x[0]!.localeCompare(y[0]!))).toEqual(families.sort((x, y) => x[0]!.localeCompare(y[0]!)));
  }, 60_000);
});
