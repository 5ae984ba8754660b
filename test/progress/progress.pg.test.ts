import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { makeImageTree, makeTempDir, removeDir } from '../factories/image-tree.js';
import { SseClient } from '../labels/support/sse-client.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { TREE } from './support.js';

/** [PR10] Two servers on one PostgreSQL dataset (`--store`): one settings and assignments document, stats that follow each other's writes. */

let db: TestDatabase;
let dir: string;
let a: RunningServer;
let b: RunningServer;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = makeTempDir('lenslet-progress-pg-');
  const root = await makeImageTree(join(dir, 'photos'), TREE);
  const start = (name: string) => startServer({ root, port: 0, webDir: null, workspaceDir: join(dir, `ws-${name}`), store: { url: db.url, datasetId: 'team' } });
  [a, b] = await Promise.all([start('a'), start('b')]);
  await Promise.all([a.source.whenIdle(), b.source.whenIdle()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await db?.drop();
  removeDir(dir);
});

async function send(server: RunningServer, method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const response = await fetch(server.url + path, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

describe('progress on PostgreSQL', () => {
  it('[PR10] a settings write on one server is seen, announced and conflicts on the other; a retried key replays there', async () => {
    const events = await SseClient.connect(`${b.url}/events`);
    const put = (server: RunningServer, labeled: string, version: number, key: string) => send(server, 'PUT', '/settings', { 'if-match': String(version), 'idempotency-key': key }, { labeled });
    expect((await put(a, 'star', 1, 's1')).status).toBe(200);
    expect((await events.waitForEvents('settings-updated', 1))[0]!.json).toEqual({ version: 2 });
    events.close();
    expect((await send(b, 'GET', '/settings')).body).toEqual({ version: 2, labeled: 'star' });
    const stale = await put(b, 'flag', 1, 's2');
    expect([stale.status, stale.body.current]).toEqual([409, { version: 2, labeled: 'star' }]);
    const replay = await put(b, 'star', 1, 's1');
    expect([replay.status, replay.body]).toEqual([200, { version: 2, labeled: 'star' }]);
  });

  it('[PR10] assignments are one document for both servers, and stats on one follow label writes made on the other', async () => {
    const events = await SseClient.connect(`${a.url}/events`);
    const put = await send(b, 'PUT', '/assignments', { 'if-match': '1', 'idempotency-key': 'as1' }, { assignments: [{ id: 'c', path: '/c', people: ['ann'] }] });
    expect(put.status).toBe(200);
    await events.waitForEvents('assignments-updated', 1);
    events.close();
    expect((await send(a, 'GET', '/assignments/mine', { 'x-lenslet-user': 'ann' })).body.total).toBe(3);

    const write = await send(b, 'PATCH', '/item?path=/c/1.jpg', { 'if-match': '1', 'idempotency-key': 'w1', 'x-lenslet-user': 'bob' }, { set_star: 4 });
    expect(write.status).toBe(200);
    await expect.poll(async () => (await send(a, 'POST', '/stats', {}, { path: '/c' })).body.labeled, { timeout: 5000 }).toBe(1);
    const onA = (await send(a, 'POST', '/stats', {}, { path: '/c' })).body;
    expect(onA.by_user).toMatchObject([{ user: 'bob', edits: 1, items: 1 }]);
    expect((await send(a, 'GET', '/assignments/mine', { 'x-lenslet-user': 'ann' })).body.total).toBe(2);
  });

  it('[PR11] the activity feed on either server lists the writes made on both, from the shared event log', async () => {
    const w1 = await send(a, 'PATCH', '/item?path=/a/b/1.jpg', { 'if-match': '1', 'idempotency-key': 'act1', 'x-lenslet-user': 'ann' }, { add_tags: ['x'] });
    expect(w1.status).toBe(200);
    const w2 = await send(b, 'PATCH', '/item?path=/a/b/2.jpg', { 'if-match': '1', 'idempotency-key': 'act2', 'x-lenslet-user': 'bob' }, { set_flag: 'reject' });
    expect(w2.status).toBe(200);
    for (const server of [a, b]) {
      await expect
        .poll(async () => (await send(server, 'GET', '/activity?path=/a/b')).body.entries.map((e: { user: string; path: string }) => `${e.user} ${e.path}`), { timeout: 5000 })
        .toEqual(['bob /a/b/2.jpg', 'ann /a/b/1.jpg']);
    }
    const [newest] = (await send(a, 'GET', '/activity?path=/a/b&limit=1')).body.entries;
    expect(newest.changes).toEqual({ flag: { from: null, to: 'reject' } });
  });
});
