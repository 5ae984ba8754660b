import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { makeImageTree, makeTempDir, removeDir } from '../factories/image-tree.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

/** [EM9] Two servers on one PostgreSQL dataset (`--store`): vectors PUT on one are searchable on the other. */

let db: TestDatabase;
let dir: string;
let root: string;
let a: RunningServer;
let b: RunningServer;
const start = (name: string) => startServer({ root, port: 0, webDir: null, workspaceDir: join(dir, `ws-${name}`), store: { url: db.url, datasetId: 'vectors' } });

beforeAll(async () => {
  db = await createTestDatabase();
  dir = makeTempDir('lenslet-emb-pg-');
  root = await makeImageTree(join(dir, 'photos'), { 'a.jpg': { w: 4, h: 4 }, 'b.jpg': { w: 8, h: 8 }, 'c.jpg': { w: 2, h: 2 }, 'd/e.jpg': { w: 2, h: 2 } });
  [a, b] = await Promise.all([start('a'), start('b')]);
  await Promise.all([a.source.whenIdle(), b.source.whenIdle()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await db?.drop();
  removeDir(dir);
});

async function send(server: RunningServer, method: string, path: string, body: unknown) {
  const response = await fetch(server.url + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

const top = async (server: RunningServer, vector: number[]) => {
  const { status, body } = await send(server, 'POST', '/similar', { embedding: 'clip', vector, k: 3 });
  return status === 200 ? (body.items as { path: string }[]).map((i) => i.path) : [];
};

describe('attached vectors on PostgreSQL', () => {
  it('[EM9] a PUT on one server is searchable on the other within two seconds, overwrites too, and kept in the database, not the workspaces', async () => {
    const put = await send(a, 'PUT', '/embeddings', { embedding: 'clip', items: [{ path: '/a.jpg', vector: [1, 0, 0] }, { path: '/b.jpg', vector: [0.9, 0.1, 0] }, { path: '/c.jpg', vector: [0, 0, 1] }] });
    expect(put).toEqual({ status: 200, body: { embedding: 'clip', dim: 3, count: 3, written: 3 } });
    const started = Date.now();
    await expect.poll(() => top(b, [1, 0, 0]), { timeout: 2000, interval: 20 }).toEqual(['/a.jpg', '/b.jpg', '/c.jpg']);
    const heardAfterMs = Date.now() - started;
    expect(heardAfterMs).toBeLessThan(2000);

    // B writes: A follows, an overwrite moving an item up.
    expect((await send(b, 'PUT', '/embeddings', { embedding: 'clip', items: [{ path: '/c.jpg', vector: [1, 0, 0.01] }, { path: '/d/e.jpg', vector: [0, 1, 0] }] })).status).toBe(200);
    await expect.poll(() => top(a, [1, 0, 0]), { timeout: 2000, interval: 20 }).toEqual(['/a.jpg', '/c.jpg', '/b.jpg']);
    await expect.poll(async () => (await send(a, 'POST', '/similar', { embedding: 'clip', path: '/d/e.jpg', k: 1 })).body.items?.[0]?.path, { timeout: 2000, interval: 20 }).toBe('/d/e.jpg');
    expect((await (await fetch(`${a.url}/embeddings`)).json()).find((e: { name: string }) => e.name === 'clip').count).toBe(4);

    // The length is the database's: B cannot give the embedding another one, even as its first write there.
    expect((await send(b, 'PUT', '/embeddings', { embedding: 'clip', items: [{ path: '/a.jpg', vector: [1, 0] }] })).status).toBe(400);
    for (const name of ['a', 'b']) expect(existsSync(join(dir, `ws-${name}`, 'embeddings.sqlite'))).toBe(false);
  });

  it('[EM9] a server started later loads the vectors from the database; duplicates by cosine there see what another server wrote', async () => {
    const c = await start('c');
    try {
      await c.source.whenIdle();
      expect(await top(c, [1, 0, 0])).toEqual(['/a.jpg', '/c.jpg', '/b.jpg']);
      const groups = await send(c, 'POST', '/duplicates', { embedding: 'clip', min_score: 0.98 });
      expect(groups.status).toBe(200);
      expect(groups.body.groups.map((g: { items: { path: string }[] }) => g.items.map((i) => i.path))).toEqual([['/b.jpg', '/a.jpg', '/c.jpg']]);
    } finally {
      await c.close();
    }
  });
});
