import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthSchema } from '../../src/protocol/health.js';
import { sidecarSchema, type Item } from '../../src/protocol/items.js';
import { metricFieldsResponseSchema } from '../../src/protocol/query.js';
import { viewsConflictBodySchema, viewsDocumentSchema } from '../../src/protocol/views.js';
import { expectWire, expectWireResponse } from '../support/wire.js';
import { launch, type Launched } from '../../src/server/launch.js';
import { writeParquet } from './parquet-fixtures.js';
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from './local-s3.js';

async function jpeg(w: number, h: number, color: { r: number; g: number; b: number }): Promise<Buffer> {
  return sharp({ create: { width: w, height: h, channels: 3, background: color } }).jpeg().toBuffer();
}

let dir: string;
let web: string;
let imageServer: http.Server;
let imageBase: string;
let s3: LocalS3;
let server: Launched;
const table = () => path.join(dir, 't.parquet');

/** Asks again (on the next turn of the event loop) until `done` holds; the test's timeout bounds it. */
async function until<T>(ask: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await ask();
    if (done(value)) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function post<T>(url: string, body: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json: unknown = await response.json();
  expectWireResponse('POST', url, response.status, json);
  return { status: response.status, body: json as T };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-tserver-'));
  mkdirSync(path.join(dir, 'imgs', 'sub'), { recursive: true });
  writeFileSync(path.join(dir, 'imgs', 'red.jpg'), await jpeg(64, 48, { r: 255, g: 0, b: 0 }));
  writeFileSync(path.join(dir, 'imgs', 'sub', 'green.jpg'), await jpeg(30, 60, { r: 0, g: 255, b: 0 }));
  const blue = await sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 0, g: 0, b: 255 } } }).png().toBuffer();
  imageServer = http.createServer((req, res) => {
    if (req.url === '/pics/blue.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(blue);
    if (req.url === '/page') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not an image</html>');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => imageServer.listen(0, '127.0.0.1', resolve));
  imageBase = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}`;
  s3 = await startLocalS3();
  await s3.put('deep/key/yellow.jpg', await jpeg(10, 10, { r: 255, g: 255, b: 0 }), 'image/jpeg');
  // The SDK's credential chain finds these first; s3rver refuses any other access key.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: s3.endpoint,
  });

  writeParquet(
    table(),
    [
      { name: 'image', type: 'STRING', data: ['imgs/red.jpg', 'imgs/sub/green.jpg', 'imgs/missing.jpg', `${imageBase}/pics/blue.png`, `${imageBase}/page`, 's3://bucket/deep/key/yellow.jpg', 'imgs/red.jpg'] },
      { name: 'aesthetic', type: 'DOUBLE', data: [0.9, 0.4, null, 0.95, 0.1, 0.6, 0.5] },
      { name: 'clip_score', type: 'DOUBLE', data: [1, 2, 3, 4, 5, 6, 7] },
      { name: 'tags', type: 'STRING_LIST', data: [['red', 'warm'], null, [], ['blue'], null, null, null] },
      { name: 'star', type: 'INT32', data: [4, null, null, 5, null, null, null] },
      { name: 'notes', type: 'STRING', data: ['a red square', null, null, null, null, null, null] },
    ],
    { codec: 'SNAPPY', rowGroupSize: 4 },
  );
  web = mkdtempSync(path.join(os.tmpdir(), 'lenslet-web-'));
  writeFileSync(path.join(web, 'index.html'), '<!doctype html><html><head><title>Lenslet</title></head><body></body></html>');
  server = await launch({ path: table(), port: 0, allowPrivateUrls: true, ogPreview: true, webDir: web });
  await server.server.source.whenIdle();
});

afterAll(async () => {
  await server?.close();
  await s3?.close();
  await new Promise<void>((resolve) => imageServer.close(() => resolve()));
});

describe('table mode over HTTP', () => {
  it('serves /health with table mode and the loaded count', async () => {
    const health = expectWire(healthSchema, await (await fetch(`${server.url}/health`)).json());
    expect(health.mode).toBe('table');
    expect(health.items).toBe(7);
    expect(health.indexing.state).toBe('done');
  });

  it('builds the tree from logical paths, with -2 for a repeated path', async () => {
    const { body } = await post<{ items: Item[]; total: number }>(`${server.url}/query`, { limit: 50 });
    expect(body.total).toBe(7);
    expect(body.items.map((i) => i.path).sort()).toEqual([
      `/127.0.0.1:${new URL(imageBase).port}/page`,
      `/127.0.0.1:${new URL(imageBase).port}/pics/blue.png`,
      '/bucket/deep/key/yellow.jpg',
      '/imgs/missing.jpg',
      '/imgs/red-2.jpg',
      '/imgs/red.jpg',
      '/imgs/sub/green.jpg',
    ].sort());
    const red = body.items.find((i) => i.path === '/imgs/red.jpg')!;
    expect(red.metrics).toEqual({ aesthetic: 0.9, clip_score: 1 });
  });

  it('serves local, HTTP and S3 bytes; 404 for a missing file, 415 for a non-image URL', async () => {
    const port = new URL(imageBase).port;
    expect((await fetch(`${server.url}/file?path=/imgs/red.jpg`)).status).toBe(200);
    expect((await fetch(`${server.url}/file?path=/imgs/red-2.jpg`)).status).toBe(200);
    expect((await fetch(`${server.url}/file?path=/imgs/missing.jpg`)).status).toBe(404);
    const blue = await fetch(`${server.url}/file?path=/127.0.0.1:${port}/pics/blue.png`);
    expect(blue.status).toBe(200);
    expect((await blue.arrayBuffer()).byteLength).toBeGreaterThan(10);
    expect((await fetch(`${server.url}/file?path=/127.0.0.1:${port}/page`)).status).toBe(415);
    const yellow = await fetch(`${server.url}/file?path=/bucket/deep/key/yellow.jpg`);
    expect(yellow.status).toBe(200);
    expect(Buffer.from(await yellow.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8])); // a JPEG
    expect((await fetch(`${server.url}/thumb?path=/bucket/deep/key/yellow.jpg`)).status).toBe(200);
  });

  it('learns dimensions when an item is read and caches them in the workspace, never in the table', async () => {
    const tableBytes = readFileSync(table());
    const port = new URL(imageBase).port;
    expect((await fetch(`${server.url}/thumb?path=/127.0.0.1:${port}/pics/blue.png`)).status).toBe(200);
    expect((await fetch(`${server.url}/thumb?path=/imgs/sub/green.jpg`)).status).toBe(200);
    // The local file's header is probed in the background after its bytes are opened.
    const known = async () => {
      const { body } = await post<{ items: Item[] }>(`${server.url}/query`, { filters: [{ width: { gte: 1 } }], limit: 50 });
      return Object.fromEntries(body.items.map((i) => [i.path, [i.w, i.h]]));
    };
    const dims = await until(known, (d) => d['/imgs/sub/green.jpg'] !== undefined && d[`/127.0.0.1:${port}/pics/blue.png`] !== undefined);
    expect(dims[`/127.0.0.1:${port}/pics/blue.png`]).toEqual([40, 20]);
    expect(dims['/imgs/sub/green.jpg']).toEqual([30, 60]);
    await server.server.source.close(); // flushes the dimension cache now instead of in 2 s
    const cached = JSON.parse(readFileSync(path.join(dir, 't.parquet.cache', 'dimensions.json'), 'utf8')) as { dimensions: Record<string, number[]> };
    expect(cached.dimensions['/imgs/sub/green.jpg']).toEqual([30, 60]);
    expect(readFileSync(table()).equals(tableBytes)).toBe(true);
  });

  it('filters, sorts with missing values last, pages, and shuffles stably', async () => {
    const q = (body: unknown) => post<{ items: Item[]; total: number }>(`${server.url}/query`, body).then((r) => r.body);
    const high = await q({ filters: [{ metric: 'aesthetic', min: 0.5 }], sort: { key: 'metric:aesthetic', order: 'desc' } });
    expect(high.items.map((i) => i.metrics?.aesthetic)).toEqual([0.95, 0.9, 0.6, 0.5]);
    const asc = await q({ sort: { key: 'metric:aesthetic', order: 'asc' }, limit: 50 });
    expect(asc.items.at(-1)!.path).toBe('/imgs/missing.jpg');
    const desc = await q({ sort: { key: 'metric:aesthetic', order: 'desc' }, limit: 50 });
    expect(desc.items.at(-1)!.path).toBe('/imgs/missing.jpg');
    const page2 = await q({ sort: { key: 'metric:clip_score', order: 'asc' }, offset: 2, limit: 2 });
    expect(page2.items.map((i) => i.metrics?.clip_score)).toEqual([3, 4]);
    expect(page2.total).toBe(7);
    const a = await q({ sort: { key: 'random', seed: 7 }, limit: 50 });
    const b = await q({ sort: { key: 'random', seed: 7 }, limit: 50 });
    expect(b.items.map((i) => i.path)).toEqual(a.items.map((i) => i.path));
    expect((await q({ path: '/imgs', recursive: false })).total).toBe(3);
    expect((await q({ filters: [{ text: 'RED' }] })).total).toBe(2);
    const bad = await post<{ error: { code: string } }>(`${server.url}/query`, { filters: [{ nope: 1 }] });
    expect(bad.status).toBe(400);
    expect((await post<{ error: { code: string } }>(`${server.url}/query`, { path: '/none' })).status).toBe(404);
  });

  it('answers histograms and lists metric fields', async () => {
    const { status, body } = await post<{ min: number; max: number; population: number[]; filtered: number[] }>(`${server.url}/histogram`, {
      metric: 'aesthetic',
      bins: 2,
      filters: [{ metric: 'aesthetic', min: 0.9 }, { metric: 'clip_score', max: 4 }],
    });
    expect(status).toBe(200);
    expect([body.min, body.max]).toEqual([0.1, 0.95]);
    expect(body.population).toEqual([3, 3]); // split at 0.525
    expect(body.filtered).toEqual([1, 2]); // clip_score <= 4 only; the aesthetic clause is this histogram's own
    const fields = expectWire(metricFieldsResponseSchema, await (await fetch(`${server.url}/metrics/fields`)).json());
    expect(fields.metrics).toEqual([{ name: 'aesthetic', count: 6 }, { name: 'clip_score', count: 7 }]);
  });

  it('seeds labels from the table\'s tags, star and notes columns', async () => {
    // Seeding runs after the load, in the background.
    const found = await until(
      async () => (await post<{ items: Item[] }>(`${server.url}/query`, { filters: [{ stars: [4, 5] }] })).body.items,
      (items) => items.length >= 2,
    );
    const red = found.find((i) => i.path === '/imgs/red.jpg')!;
    expect(red).toMatchObject({ star: 4, tags: ['red', 'warm'], notes: 'a red square' });
    expect(found.map((i) => i.path).sort()).toEqual([`/127.0.0.1:${new URL(imageBase).port}/pics/blue.png`, '/imgs/red.jpg'].sort());
    expect((await post<{ total: number }>(`${server.url}/query`, { filters: [{ text: 'red square' }] })).body.total).toBe(1);
  });

  it('sees label writes at once in queries', async () => {
    const before = await post<{ items: Item[] }>(`${server.url}/query`, { filters: [{ text: 'green' }] });
    expect(before.body.items[0]!.version).toBe(1); // never labeled: the store's default version
    const patch = await fetch(`${server.url}/item?path=/imgs/sub/green.jpg`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-green-1', 'if-match': '1' },
      body: JSON.stringify({ set_star: 3, add_tags: ['grass'] }),
    });
    expect(patch.status).toBe(200);
    expectWire(sidecarSchema, await patch.json());
    const { body } = await post<{ items: Item[] }>(`${server.url}/query`, { filters: [{ stars: [3] }, { tags_all: ['grass'] }] });
    expect(body.items.map((i) => i.path)).toEqual(['/imgs/sub/green.jpg']);
  });

  it('keeps smart folders versioned in t.parquet.cache/smart-folders.json', async () => {
    // Listen on the SSE stream first: an accepted write announces views-updated.
    const events = new AbortController();
    const stream = await fetch(`${server.url}/events`, { signal: events.signal });
    let sse = '';
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of stream.body!) {
        sse += decoder.decode(chunk as Uint8Array);
        if (sse.includes('event: views-updated')) break;
      }
    })().catch(() => undefined);
    const get = expectWire(viewsDocumentSchema, await (await fetch(`${server.url}/views`)).json());
    expect(get).toEqual({ version: 1, views: [] });
    const put = (headers: Record<string, string>, body: unknown) =>
      fetch(`${server.url}/views`, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const view = { id: 'best', name: 'Best', path: '/', filters: [{ metric: 'aesthetic', min: 0.9 }], sort: { key: 'metric:aesthetic', order: 'desc' } };
    expect((await put({ 'if-match': '1' }, { views: [view] })).status).toBe(400); // no Idempotency-Key
    expect((await put({ 'idempotency-key': 'v0' }, { views: [view] })).status).toBe(400); // no base version
    const first = await put({ 'if-match': '1', 'idempotency-key': 'v1' }, { views: [view] });
    expect(first.status).toBe(200);
    expect(expectWire(viewsDocumentSchema, await first.json()).version).toBe(2);
    const replay = await put({ 'if-match': '1', 'idempotency-key': 'v1' }, { views: [view] });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    const stale = await put({ 'if-match': '1', 'idempotency-key': 'v2' }, { views: [] });
    expect(stale.status).toBe(409);
    const conflict = expectWire(viewsConflictBodySchema, await stale.json());
    expect(conflict.error.code).toBe('version_conflict');
    expect(conflict.current.version).toBe(2);
    expect(conflict.current.views.map((v) => v.id)).toEqual(['best']);
    expect((await put({ 'if-match': '2', 'idempotency-key': 'v1' }, { views: [] })).status).toBe(422); // key reused
    const onDisk = JSON.parse(readFileSync(path.join(dir, 't.parquet.cache', 'smart-folders.json'), 'utf8')) as { version: number };
    expect(onDisk.version).toBe(2);
    await reading; // ends at the views-updated event (or fails the test by its timeout)
    events.abort();
    expect(sse).toMatch(/event: views-updated\ndata: \{"version":2\}/);
  });

  it('keeps a smart folder’s metrics panel cards (display only) through PUT and GET /views', async () => {
    const { version } = (await (await fetch(`${server.url}/views`)).json()) as { version: number };
    const put = (views: unknown[], key: string) =>
      fetch(`${server.url}/views`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'if-match': String(version), 'idempotency-key': key },
        body: JSON.stringify({ views }),
      });
    const view = { id: 'cards', name: 'Cards', path: '/', recursive: true, filters: [], metrics: ['clip_score', 'aesthetic'] };
    expect((await put([{ ...view, metrics: 'aesthetic' }], 'cards-bad')).status).toBe(400);
    const saved = await put([view, { id: 'old', name: 'Old', metric: 'aesthetic' }], 'cards-1');
    expect(saved.status).toBe(200);
    const got = expectWire(viewsDocumentSchema, await (await fetch(`${server.url}/views`)).json());
    expect(got.version).toBe(version + 1);
    // Made without sign-in: the local admin's, shared (issue 10).
    const local = { owner: 'local', shared: true };
    expect(got.views).toEqual([{ ...view, ...local }, { id: 'old', name: 'Old', path: '/', recursive: true, filters: [], metric: 'aesthetic', ...local }]);
    const onDisk = JSON.parse(readFileSync(path.join(dir, 't.parquet.cache', 'smart-folders.json'), 'utf8')) as { views: unknown[] };
    expect(onDisk.views).toEqual(got.views);
  });

  it('renders the OG mosaic and injects meta tags into the index page', async () => {
    const png = await fetch(`${server.url}/og-image`);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const meta = await sharp(Buffer.from(await png.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([1200, 630]);
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).toContain('<meta property="og:title" content="Lenslet: t (7 images)">');
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image">');
    expect(html).toMatch(/og:image" content="http:\/\/127\.0\.0\.1:\d+\/og-image"/);
  });

  it('leaves nothing beside the table but the cache folder', () => {
    const beside = readdirSync(dir).sort();
    expect(beside).toEqual(['imgs', 't.parquet', 't.parquet.cache']);
    expect(existsSync(path.join(dir, 't.parquet.cache', 'labels.sqlite'))).toBe(true);
  });
});
