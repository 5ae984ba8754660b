import { brotliCompressSync } from 'node:zlib';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { healthSchema } from '../../src/protocol/health.js';
import { startServer } from '../../src/server/index.js';
import { makeImageTree, makeTempDir, removeDir } from '../factories/image-tree.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';

describe('GET /health', () => {
  it('answers with mode, counts, read-only flag and indexing progress', async () => {
    const t = await startTestServer({ 'a.jpg': { w: 4, h: 4 }, 'b/c.png': { w: 4, h: 4 } });
    try {
      const { status, body } = await t.json('/health');
      expect(status).toBe(200);
      healthSchema.parse(body);
      expect(body).toMatchObject({ ok: true, mode: 'folder', items: 2, read_only: false, indexing: { state: 'done', done: 2, total: 2 } });
      expect(body.name).toBe(t.dir.split('/').pop());
    } finally {
      await t.close();
    }
  });

  it('answers while indexing is still running', async () => {
    const tree: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) tree[`d${i % 30}/f${i}.png`] = 'x';
    const t = await startTestServer(tree, { waitForIndex: false });
    try {
      const { body } = await t.json('/health');
      healthSchema.parse(body);
      expect(body.indexing.total).toBeLessThanOrEqual(3000);
      await t.server.source.whenIdle();
      const done = (await t.json('/health')).body;
      expect(done.indexing).toEqual({ state: 'done', done: 3000, total: 3000 });
      const progress = t.server.source.progress();
      expect(progress.scannedAt).not.toBeNull();
      expect(progress.finishedAt! >= progress.scannedAt!).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('reports the label store and its last event, and nothing about labels without them', async () => {
    const t = await startTestServer({ 'a.jpg': { w: 4, h: 4 } });
    const bare = await startTestServer({}, { labels: false });
    try {
      const write = await fetch(`${t.url}/item?path=/a.jpg`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'health-1', 'if-match': '1' },
        body: JSON.stringify({ set_star: 3 }),
      });
      expect(write.status).toBe(200);
      const { body } = await t.json('/health');
      healthSchema.parse(body);
      expect(body.labels).toEqual({ persistent: true, store: 'sqlite', path: t.server.workspace.labelsDbPath, last_event_id: 1 });
      const without = (await bare.json('/health')).body;
      healthSchema.parse(without);
      expect(without).not.toHaveProperty('labels');
    } finally {
      await t.close();
      await bare.close();
    }
  });
});

describe('web app', () => {
  let web: string;
  let t: TestServer;
  beforeAll(async () => {
    web = makeTempDir('lenslet-web-');
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Lenslet</title>');
    writeFileSync(join(web, 'assets', 'app-abc123.js'), 'console.log(1)');
    writeFileSync(join(web, 'assets', 'app-abc123.js.br'), brotliCompressSync('console.log(1)'));
    writeFileSync(join(web, 'favicon.svg'), '<svg/>');
    t = await startTestServer({ 'a.jpg': { w: 4, h: 4 } }, { webDir: web });
  });
  afterAll(async () => {
    await t.close();
    removeDir(web);
  });

  it('serves index.html at / with any query string, never cached stale', async () => {
    for (const url of ['/', '/?path=/a%20b&view=grid', '/index.html']) {
      const response = await t.get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<title>Lenslet</title>');
    }
  });

  it('serves hashed assets as immutable and other files revalidated', async () => {
    const asset = await t.get('/assets/app-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await t.get('/favicon.svg')).headers.get('cache-control')).toBe('no-cache');
  });

  it('sends the precompressed asset when the browser accepts it', async () => {
    const br = await t.get('/assets/app-abc123.js', { 'accept-encoding': 'br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(await br.text()).toBe('console.log(1)'); // fetch decodes it
    const plain = await t.get('/assets/app-abc123.js', { 'accept-encoding': 'identity' });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe('console.log(1)');
  });

  it('answers JSON 404 for unknown paths, API routes still win', async () => {
    const missing = await t.json('/assets/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    expect((await t.json('/health')).body.ok).toBe(true);
  });

  it('says the web app is not built when index.html is missing', async () => {
    const empty = makeTempDir('lenslet-noweb-');
    const bare = await startTestServer({}, { webDir: empty });
    try {
      const { status, body } = await bare.json('/');
      expect(status).toBe(404);
      expect(body.error.message).toContain('not built');
    } finally {
      await bare.close();
      removeDir(empty);
    }
  });
});

describe('workspace placement', () => {
  it('--no-write writes nothing in the folder and removes its temp dir on close', async () => {
    const t = await startTestServer({ 'a.jpg': { w: 40, h: 40 } }, { noWrite: true, thumbSize: 16 });
    const workspace = t.server.workspace.dir;
    expect((await t.json('/health')).body.read_only).toBe(true);
    expect((await t.get('/thumb?path=/a.jpg')).status).toBe(200);
    // The thumbnail is written to disk after the reply: once it is there, nothing else is coming.
    await vi.waitFor(() => expect(readdirSync(join(workspace, 'thumbs'), { recursive: true }).some((f) => String(f).endsWith('.webp'))).toBe(true));
    expect(existsSync(join(t.dir, '.lenslet'))).toBe(false);
    await t.close();
    expect(existsSync(workspace)).toBe(false);
  });

  it('a workspace inside the folder is never listed, even when not hidden', async () => {
    const dir = await makeImageTree(makeTempDir(), { 'a.jpg': { w: 40, h: 40 } });
    const server = await startServer({ root: dir, port: 0, webDir: null, workspaceDir: join(dir, 'state'), thumbSize: 16 });
    try {
      await server.source.whenIdle();
      await fetch(`${server.url}/thumb?path=/a.jpg`);
      await vi.waitFor(() => expect(existsSync(join(dir, 'state', 'thumbs'))).toBe(true));
      await server.source.refresh('/');
      const body = await (await fetch(`${server.url}/folders?path=/&recursive=1`)).json();
      expect(body.items.map((i: { path: string }) => i.path)).toEqual(['/a.jpg']);
      expect(body.dirs).toEqual([]);
    } finally {
      await server.close();
      removeDir(dir);
    }
  });

  it('--no-thumb-cache keeps thumbnails off the disk', async () => {
    const t = await startTestServer({ 'a.jpg': { w: 40, h: 40 } }, { thumbCache: false, thumbSize: 16 });
    try {
      expect((await t.get('/thumb?path=/a.jpg')).status).toBe(200);
      // Without the disk cache the thumbnail service schedules no write at all, so there is
      // nothing to wait for: the reply is the last thing that could have touched the disk.
      expect(existsSync(join(t.dir, '.lenslet'))).toBe(false);
      expect(t.server.services.thumbnails.stats()).toMatchObject({ memoryItems: 1, queued: 0, active: 0 });
    } finally {
      await t.close();
    }
  });
});
