/**
 * Several real Lenslet processes on one PostgreSQL dataset behave as one server (issue 11):
 * conflicts, idempotency, SSE fan-out and replay, presence, and datasets kept apart.
 */
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImageTree, makeTempDir, removeDir } from '../factories/image-tree.js';
import { SseClient } from '../labels/support/sse-client.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { call, getItem, setStar } from './support/http.js';
import { startLenslet, until, type LensletProcess } from './support/lenslet-process.js';

const ITEMS = 30;
let db: TestDatabase;
let dir: string;
let folder: string;
let a: LensletProcess;
let b: LensletProcess;
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const streams: SseClient[] = [];

const start = (name: string, datasetId = 'shared') => startLenslet({ root: folder, store: db.url, datasetId, workspace: join(dir, `ws-${name}`) });

beforeAll(async () => {
  db = await createTestDatabase();
  dir = makeTempDir('lenslet-scale-');
  const spec: Record<string, { w: number; h: number }> = {};
  for (let i = 0; i < ITEMS; i++) spec[`i${i}.jpg`] = { w: 8, h: 8 };
  folder = await makeImageTree(join(dir, 'photos'), spec);
  // At once: both run the migrations, one after the other under the advisory lock.
  [a, b] = await Promise.all([start('a'), start('b')]);
}, 60_000);

afterAll(async () => {
  for (const s of streams) s.close();
  agent.destroy();
  await Promise.all([a?.stop(), b?.stop()]);
  await db.drop();
  removeDir(dir);
});

async function stream(server: LensletProcess, headers: Record<string, string> = {}, query = ''): Promise<SseClient> {
  const c = await SseClient.connect(`${server.url}/events${query}`, headers, new http.Agent());
  streams.push(c);
  await c.until(() => c.comments.includes('connected'), 5000, 'connected');
  return c;
}

async function version(server: LensletProcess, path: string): Promise<number> {
  return (await getItem(agent, server.url, path)).body.version as number;
}

describe('several servers on one PostgreSQL dataset', () => {
  it('20 concurrent writes with one base version over two servers: exactly one 200, 19 × 409', async () => {
    const path = '/i0.jpg';
    const base = await version(a, path);
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => setStar(agent, (i % 2 ? a : b).url, path, (i % 5) + 1, base, `race:${i}`)));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(409)]);
    const winner = replies.find((r) => r.status === 200)!;
    for (const r of replies.filter((x) => x.status === 409)) expect(r.body.current.version).toBe(winner.body.version);
    expect(await version(a, path)).toBe(base + 1);
    expect(await version(b, path)).toBe(base + 1);
  });

  it('an Idempotency-Key retried on the other server replays the first answer and applies nothing', async () => {
    const path = '/i1.jpg';
    const base = await version(a, path);
    const first = await setStar(agent, a.url, path, 3, base, 'retry-me');
    expect(first.status).toBe(200);
    const retried = await setStar(agent, b.url, path, 3, base, 'retry-me');
    expect(retried.status).toBe(200);
    expect(retried.headers['idempotency-replayed']).toBe('true');
    expect(retried.body).toEqual(first.body);
    expect(await version(b, path)).toBe(base + 1);
    const history = await call(agent, b.url, 'GET', `/item/history?path=${encodeURIComponent(path)}&limit=100`);
    expect(history.body.entries).toHaveLength(1);
  });

  it("a write on A reaches A's and B's SSE clients, commit → event measured", async () => {
    const onA = await stream(a);
    const onB = await stream(b);
    const path = '/i2.jpg';
    let base = await version(a, path);
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      const written = await setStar(agent, a.url, path, (i % 5) + 1, base, `sse:${i}`);
      const acked = performance.now();
      expect(written.status).toBe(200);
      base = written.body.version;
      const want = (c: SseClient) => c.events('item-updated').find((m) => (m.json as { path: string; version: number }).version === base && (m.json as { path: string }).path === path);
      await onA.until(() => want(onA) !== undefined, 5000, `v${base} on A`);
      await onB.until(() => want(onB) !== undefined, 5000, `v${base} on B`);
      delays.push(Math.max(0, want(onB)!.receivedAt - acked));
      // Same id for the same event on every server: ids are the dataset's, not a server's.
      expect(want(onB)!.id).toBe(want(onA)!.id);
    }
    delays.sort((x, y) => x - y);
    console.log(`commit → event on the other server: p50 ${delays[5]!.toFixed(1)} ms, max ${delays.at(-1)!.toFixed(1)} ms`);
  });

  it('presence is counted across servers: a client on A and one on B both see 2 viewers within 2 s', async () => {
    const gallery = '/presence-test';
    const onB = await stream(b, {}, `?gallery_id=${encodeURIComponent(gallery)}`);
    const beat = (server: LensletProcess, client: string) => call(agent, server.url, 'POST', '/presence', { gallery_id: gallery, client_id: client, status: 'viewing' });
    const started = Date.now();
    expect((await beat(a, 'viewer-a')).status).toBe(200);
    expect((await beat(b, 'viewer-b')).status).toBe(200);
    const viewers = async (server: LensletProcess) => (await call(agent, server.url, 'GET', `/presence?gallery_id=${encodeURIComponent(gallery)}`)).body.viewers as number;
    await until(async () => (await viewers(a)) === 2 && (await viewers(b)) === 2, 2000, 'viewers: 2 on both servers');
    await onB.until(() => onB.events('presence').some((m) => (m.json as { viewers: number }).viewers === 2), 2000, 'a presence event with 2 viewers on B');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('another --dataset-id on the same database sees none of it', async () => {
    const other = await start('other', 'other-dataset');
    try {
      const c = await stream(other, { 'last-event-id': '0' });
      expect(await version(other, '/i0.jpg')).toBe(await version(other, '/i29.jpg'));
      const item = (await getItem(agent, other.url, '/i1.jpg')).body;
      expect(item.star ?? null).toBeNull();
      // Replaying from the start gives this dataset's (no) events; a write here stays here.
      const written = await setStar(agent, other.url, '/i0.jpg', 5, await version(other, '/i0.jpg'), 'other:1');
      expect(written.status).toBe(200);
      await c.waitForEvents('item-updated', 1);
      expect(c.events('item-updated').map((m) => (m.json as { path: string }).path)).toEqual(['/i0.jpg']);
      expect((await getItem(agent, a.url, '/i0.jpg')).body.star).not.toBe(5);
      const presence = await call(agent, other.url, 'GET', `/presence?gallery_id=${encodeURIComponent('/presence-test')}`);
      expect(presence.body.viewers).toBe(0);
    } finally {
      await other.stop();
    }
  });

  it('Last-Event-ID replay on B for events written on A, also after both servers restart', async () => {
    const watcher = await stream(b);
    const from = watcher.lastEventId!;
    watcher.close();
    const path = '/i3.jpg';
    let base = await version(a, path);
    for (let star = 1; star <= 3; star++) {
      const r = await setStar(agent, a.url, path, star, base, `replay:${star}`);
      expect(r.status).toBe(200);
      base = r.body.version;
    }
    const stars = (c: SseClient) => c.events('item-updated').map((m) => (m.json as { star: number }).star);
    const replay = await stream(b, { 'last-event-id': from });
    await replay.waitForEvents('item-updated', 3);
    expect(stars(replay)).toEqual([1, 2, 3]);
    const ids = replay.events('item-updated').map((m) => m.id);

    await Promise.all([a.stop(), b.stop()]);
    [a, b] = await Promise.all([start('a'), start('b')]);
    const again = await stream(b, { 'last-event-id': from });
    await again.waitForEvents('item-updated', 3);
    expect(stars(again)).toEqual([1, 2, 3]);
    expect(again.events('item-updated').map((m) => m.id)).toEqual(ids);
    expect(await version(b, path)).toBe(base);
  }, 60_000);
});
