import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../factories/test-server.js';
import { SseClient } from './support/sse-client.js';

const tree = { 'animals/cat.jpg': { w: 8, h: 6 }, 'animals/dog.png': { w: 4, h: 4 }, 'top.jpg': { w: 2, h: 2 } };

let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

async function write(s: TestServer, path: string, body: unknown, version: number) {
  return fetch(`${s.url}/item?path=${encodeURIComponent(path)}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', 'idempotency-key': `${path}:${version}`, 'if-match': String(version) },
    body: JSON.stringify(body),
  });
}

describe('labels in the real server', () => {
  it('persists to <workspace>/labels.sqlite, shows in listings and /health, and survives /refresh and restart', async () => {
    const s = await startTestServer(tree);
    servers.push(s);
    const dbPath = join(s.dir, '.lenslet', 'labels.sqlite');
    // Browsing creates nothing: the database appears with the first label.
    expect((await s.json('/item?path=/animals/cat.jpg')).body.version).toBe(1);
    expect((await s.json('/health')).body.labels).toMatchObject({ persistent: true, last_event_id: 0 });
    expect(existsSync(dbPath)).toBe(false);
    const events = await SseClient.connect(`${s.url}/events`);
    const res = await write(s, '/animals/cat.jpg', { set_star: 4, add_tags: ['cute'] }, 1);
    expect(res.status).toBe(200);
    expect((await events.waitForEvents('item-updated', 1))[0]!.json).toMatchObject({ path: '/animals/cat.jpg', star: 4 });
    events.close();

    expect(existsSync(dbPath)).toBe(true);
    const health = await s.json('/health');
    expect(health.body.labels).toEqual({ persistent: true, store: 'sqlite', path: dbPath, last_event_id: 1 });

    const listing = await s.json('/folders?path=/animals');
    const cat = listing.body.items.find((i: { path: string }) => i.path === '/animals/cat.jpg');
    expect(cat).toMatchObject({ star: 4, tags: ['cute'], version: 2 });

    expect((await fetch(`${s.url}/refresh`, { method: 'POST' })).status).toBe(200);
    await s.server.source.whenIdle();
    expect((await s.json('/item?path=/animals/cat.jpg')).body).toMatchObject({ star: 4, version: 2 });
    expect((await s.json('/item?path=/animals/nope.jpg')).status).toBe(404);

    await s.server.close();
    const { startServer } = await import('../../src/server/index.js');
    const again = await startServer({ root: s.dir, port: 0, webDir: null });
    try {
      await again.source.whenIdle();
      const item = await (await fetch(`${again.url}/item?path=/animals/cat.jpg`)).json();
      expect(item).toMatchObject({ star: 4, tags: ['cute'], version: 2, updated_by: 'web' });
    } finally {
      await again.close();
    }
  });

  it('keeps labels in memory with noWrite, and says so in /health', async () => {
    const s = await startTestServer(tree, { noWrite: true });
    servers.push(s);
    expect((await write(s, '/top.jpg', { set_star: 1 }, 1)).status).toBe(200);
    const health = await s.json('/health');
    expect(health.body.labels).toMatchObject({ persistent: false, store: 'memory', path: null });
    expect(existsSync(join(s.dir, '.lenslet'))).toBe(false);
  });
});
