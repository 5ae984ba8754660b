import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrateCommand } from '../../src/server/migrate-cli.js';
import { startServer } from '../../src/server/server.js';
import { makeImageTree, makeTempDir, removeDir } from '../factories/image-tree.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { call, getItem, setStar } from './support/http.js';

let db: TestDatabase;
let dir: string;
let folder: string;
const agent = new http.Agent({ keepAlive: true });

beforeAll(async () => {
  db = await createTestDatabase();
  dir = makeTempDir('lenslet-migrate-');
  folder = await makeImageTree(join(dir, 'shoot'), { 'a.jpg': { w: 8, h: 8 }, 'b.jpg': { w: 8, h: 8 } });
});
afterAll(async () => {
  agent.destroy();
  await db.drop();
  removeDir(dir);
});

async function migrate(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write: (chunk, _enc, done) => {
        append(String(chunk));
        done();
      },
    });
  const code = await runMigrateCommand(args, { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) });
  return { code, out, err };
}

/** Labels written by a SQLite server in `workspace`: /a.jpg rated three times, /b.jpg once. */
async function labelOnSqlite(workspace: string, stars: number[]): Promise<void> {
  const server = await startServer({ root: folder, workspaceDir: workspace, port: 0, webDir: null });
  try {
    await server.source.whenIdle();
    let version = (await getItem(agent, server.url, '/a.jpg')).body.version as number;
    for (const [i, star] of stars.entries()) version = (await setStar(agent, server.url, '/a.jpg', star, version, `m:${i}`)).body.version;
    await setStar(agent, server.url, '/b.jpg', 2, (await getItem(agent, server.url, '/b.jpg')).body.version, 'm:b');
  } finally {
    await server.close();
  }
}

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('lenslet migrate', () => {
  it('copies labels, versions and events, verifies, does nothing the second time, and leaves SQLite untouched', async () => {
    const workspace = join(dir, 'ws');
    await labelOnSqlite(workspace, [1, 3, 5]);
    const before = digest(join(workspace, 'labels.sqlite'));
    const first = await migrate([folder, '--to', db.url, '--workspace', workspace]);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^labels: 2 items, 4 events copied and verified$/m);
    expect(first.out).toMatch(/Migrated .* into dataset "shoot"/);
    const again = await migrate([folder, '--to', db.url, '--workspace', workspace]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/already there/);
    expect(again.out).toMatch(/^Nothing to do: dataset "shoot"/m);
    expect(digest(join(workspace, 'labels.sqlite'))).toBe(before);

    // A server on PostgreSQL now serves those labels, at their versions.
    const server = await startServer({ root: folder, workspaceDir: join(dir, 'ws-pg'), port: 0, webDir: null, store: { url: db.url, datasetId: 'shoot' } });
    try {
      await server.source.whenIdle();
      const a = (await getItem(agent, server.url, '/a.jpg')).body;
      expect(a).toMatchObject({ star: 5, version: 4 });
      expect((await getItem(agent, server.url, '/b.jpg')).body).toMatchObject({ star: 2 });
    } finally {
      await server.close();
    }
  });

  it('refuses a dataset that already holds other labels, in one line', async () => {
    const workspace = join(dir, 'ws-other');
    await labelOnSqlite(workspace, [4]);
    const refused = await migrate([folder, '--to', db.url, '--workspace', workspace, '--dataset-id', 'shoot']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^lenslet: migrate into dataset "shoot" at postgres:\/\/.*: .+\n$/);
    expect(refused.err.trim().split('\n')).toHaveLength(1);
  });

  it('copies nothing at all when one part is refused: labels stay out of a dataset whose smart folders differ', async () => {
    // A server on PostgreSQL made a smart folder in dataset "mixed" first.
    const onPg = await startServer({ root: folder, workspaceDir: join(dir, 'ws-mixed-pg'), port: 0, webDir: null, store: { url: db.url, datasetId: 'mixed' } });
    try {
      const view = { id: 'theirs', name: 'theirs', path: '/', recursive: true, filters: [] };
      const put = await call(agent, onPg.url, 'PUT', '/views', { views: [view] }, { 'if-match': '"1"', 'idempotency-key': 'v1' });
      expect(put.status).toBe(200);
    } finally {
      await onPg.close();
    }
    // A SQLite workspace with labels and another smart folder.
    const workspace = join(dir, 'ws-mixed');
    await labelOnSqlite(workspace, [2]);
    const sqlite = await startServer({ root: folder, workspaceDir: workspace, port: 0, webDir: null });
    try {
      const view = { id: 'ours', name: 'ours', path: '/', recursive: true, filters: [] };
      expect((await call(agent, sqlite.url, 'PUT', '/views', { views: [view] }, { 'if-match': '"1"', 'idempotency-key': 'v2' })).status).toBe(200);
    } finally {
      await sqlite.close();
    }
    const refused = await migrate([folder, '--to', db.url, '--workspace', workspace, '--dataset-id', 'mixed']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/already has other smart folders.*nothing was copied\n$/);
    expect(refused.out).toBe('');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const counted = await client.query<{ labels: string; events: string }>(
        `SELECT (SELECT count(*) FROM lenslet_labels l WHERE l.dataset = d.key) AS labels,
                (SELECT count(*) FROM lenslet_label_events e WHERE e.dataset = d.key) AS events
         FROM lenslet_datasets d WHERE d.id = 'mixed'`,
      );
      expect(counted.rows[0]).toEqual({ labels: '0', events: '0' });
    } finally {
      await client.end();
    }
  });

  it('[EM10] copies vectors attached with PUT /embeddings: a server on PostgreSQL finds them; again does nothing; other vectors there are refused', async () => {
    const workspace = join(dir, 'ws-vectors');
    const put = (url: string, items: { path: string; vector: number[] }[]) => call(agent, url, 'PUT', '/embeddings', { embedding: 'clip', items });
    const sqlite = await startServer({ root: folder, workspaceDir: workspace, port: 0, webDir: null });
    try {
      await sqlite.source.whenIdle();
      expect((await put(sqlite.url, [{ path: '/b.jpg', vector: [0, 1] }, { path: '/a.jpg', vector: [1, 0] }])).status).toBe(200);
    } finally {
      await sqlite.close();
    }
    const first = await migrate([folder, '--to', db.url, '--workspace', workspace, '--dataset-id', 'vec']);
    expect([first.code, first.err]).toEqual([0, '']);
    expect(first.out).toMatch(/^embeddings: 1 embedding, 2 vectors copied and verified$/m);
    const again = await migrate([folder, '--to', db.url, '--workspace', workspace, '--dataset-id', 'vec']);
    expect(again.out).toMatch(/^embeddings: 1 embedding, 2 vectors already there$/m);

    const onPg = await startServer({ root: folder, workspaceDir: join(dir, 'ws-vectors-pg'), port: 0, webDir: null, store: { url: db.url, datasetId: 'vec' } });
    try {
      await onPg.source.whenIdle();
      const found = await call(agent, onPg.url, 'POST', '/similar', { embedding: 'clip', vector: [0.1, 1], k: 2 });
      expect(found.body.items.map((i: { path: string }) => i.path)).toEqual(['/b.jpg', '/a.jpg']);
      // A vector written there since: the workspace's copy no longer matches, and is refused.
      expect((await put(onPg.url, [{ path: '/a.jpg', vector: [1, 1] }])).status).toBe(200);
    } finally {
      await onPg.close();
    }
    const refused = await migrate([folder, '--to', db.url, '--workspace', workspace, '--dataset-id', 'vec']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/already has other embedding vectors.*nothing was copied\n$/);
  });

  it('refuses a URL that is not postgres:// and a workspace with nothing to copy', async () => {
    expect((await migrate([folder, '--to', 'mysql://x@y/z', '--workspace', join(dir, 'ws')])).err).toMatch(/^lenslet: --to must be a postgres:\/\/ URL/);
    expect((await migrate([folder, '--to', db.url, '--workspace', join(dir, 'empty')])).err).toMatch(/^lenslet: nothing to migrate/);
  });
});
