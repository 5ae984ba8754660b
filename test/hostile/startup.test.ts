import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderSource } from '../../src/server/datasets/folder-source.js';
import { LabelsDbError } from '../../src/server/labels/labels-db-file.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { resolveWorkspace } from '../../src/server/workspace.js';
import { makeImageTree, makeTempDir, removeDir } from '../factories/image-tree.js';
import { expectWireResponse } from '../support/wire.js';

/**
 * Restarts and start-up (issue 9): while the index is being built, item routes and listings
 * must never call an existing image or folder missing: they serve it, or answer 503 `indexing`
 * with Retry-After. Only what is absent after indexing is a 404.
 */

interface Held {
  server: RunningServer;
  dir: string;
  /** Lets the held indexing run, and waits for it to finish. */
  release(): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server over a folder whose indexing has not begun until `release()`: the worst moment of a restart. */
async function heldServer(): Promise<Held> {
  const dir = await makeImageTree(makeTempDir(), {
    'a.jpg': { w: 40, h: 30 },
    'set_00/b.png': { w: 30, h: 40 },
    'set_00/deep/c.webp': { w: 12, h: 10 },
    'set_01/d.jpg': { w: 8, h: 8 },
    '.hidden/e.jpg': { w: 8, h: 8 },
    'empty/notes.txt': 'not an image',
    'link.jpg': { symlink: 'a.jpg' },
  });
  const workspace = resolveWorkspace({ kind: 'folder', path: dir }, { dir: join(dir, '.lenslet') });
  const source = await FolderSource.open(dir, { skipDirs: [workspace.dir] });
  const start = source.start.bind(source);
  source.start = () => {}; // held: startServer's call does nothing
  const server = await startServer({ dataset: { source, workspace }, port: 0, webDir: null });
  cleanups.push(async () => {
    await server.close();
    removeDir(dir);
  });
  return {
    server,
    dir,
    release: async () => {
      start();
      await source.whenIdle();
    },
  };
}

async function call(server: RunningServer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(server.url + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = response.headers.get('content-type') ?? '';
  const json = type.includes('json') ? await response.json() : undefined;
  if (json !== undefined) expectWireResponse(method, path, response.status, json, type);
  return { status: response.status, json, headers: response.headers };
}

const key = (() => {
  let n = 0;
  return () => ({ 'idempotency-key': `startup-test:${++n}` });
})();

describe('item routes while indexing', () => {
  it('serve an existing image before the index holds it, and write its labels under the path the index gives it', async () => {
    const { server, release } = await heldServer();
    expect(server.source.progress().state).toBe('running');
    expect(server.source.catalog.aliveCount).toBe(0);

    for (const path of ['/a.jpg', '/set_00/b.png', '/set_00/deep/c.webp']) {
      const q = `?path=${encodeURIComponent(path)}`;
      expect((await call(server, 'GET', `/item${q}`)).status, `GET /item ${path}`).toBe(200);
      expect((await call(server, 'GET', `/file${q}`)).status, `GET /file ${path}`).toBe(200);
      expect((await call(server, 'GET', `/thumb${q}`)).status, `GET /thumb ${path}`).toBe(200);
      expect((await call(server, 'GET', `/metadata${q}`)).status, `GET /metadata ${path}`).toBe(200);
      expect((await call(server, 'GET', `/item/history${q}`)).status, `GET /item/history ${path}`).toBe(200);
    }
    const patched = await call(server, 'PATCH', '/item?path=/a.jpg', { base_version: 1, set_star: 4 }, key());
    expect(patched.status).toBe(200);
    const put = await call(server, 'PUT', '/item?path=/set_01/d.jpg', { base_version: 1, tags: ['x'], notes: '', star: null }, key());
    expect(put.status).toBe(200);
    const batch = await call(server, 'PATCH', '/items', [{ path: '/set_00/b.png', base_version: 1, add_tags: ['batch'] }], key());
    expect(batch.status).toBe(200);
    expect(batch.json.results[0].status).toBe('ok');
    const metrics = await call(server, 'PUT', '/metrics', { items: [{ path: '/set_00/deep/c.webp', metrics: { score: 0.5 } }] });
    expect(metrics.status).toBe(200);
    expect(metrics.json.results[0].status).toBe('ok');

    await release();
    const catalog = server.source.catalog;
    // The index holds each image once, under the same path the writes used, with its dimensions.
    expect(catalog.paths.filter((_, id) => catalog.alive[id]).sort()).toEqual(['/a.jpg', '/link.jpg', '/set_00/b.png', '/set_00/deep/c.webp', '/set_01/d.jpg']);
    const b = catalog.idOf('/set_00/b.png')!;
    expect([catalog.width[b], catalog.height[b]]).toEqual([30, 40]);
    expect((await call(server, 'GET', '/item?path=/a.jpg')).json).toMatchObject({ star: 4, version: 2 });
    const listing = await call(server, 'GET', '/folders?path=/set_00&recursive=1');
    expect(listing.json.indexing).toBeUndefined();
    expect(listing.json.items.map((i: { path: string; tags: string[] }) => [i.path, i.tags])).toEqual([
      ['/set_00/b.png', ['batch']],
      ['/set_00/deep/c.webp', []],
    ]);
    const exported = await (await fetch(`${server.url}/export?format=json`)).json();
    expect(exported.map((row: { path: string }) => row.path).sort()).toEqual(['/a.jpg', '/set_00/b.png', '/set_00/deep/c.webp', '/set_01/d.jpg']);
  });

  it('answer 503 indexing with Retry-After for what they cannot vouch for yet, and 404 only after indexing', async () => {
    const { server, release } = await heldServer();
    // Absent, hidden, through a link, or named with another case: the scan decides, so not now.
    for (const path of ['/nope.jpg', '/.hidden/e.jpg', '/link.jpg', '/A.JPG', '/set_00/B.png', '/empty/x.jpg']) {
      const q = `?path=${encodeURIComponent(path)}`;
      for (const [method, url, body] of [
        ['GET', `/item${q}`],
        ['GET', `/file${q}`],
        ['GET', `/thumb${q}`],
        ['GET', `/metadata${q}`],
        ['GET', `/item/history${q}`],
        ['PATCH', `/item${q}`, { base_version: 1, set_star: 1 }],
        ['PATCH', '/items', [{ path, base_version: 1, set_star: 1 }]],
        ['PUT', '/metrics', { items: [{ path, metrics: { m: 1 } }] }],
      ] as const) {
        const answer = await call(server, method, url, body, key());
        expect(answer.status, `${method} ${url} ${path}`).toBe(503);
        expect(answer.json.error.code).toBe('indexing');
        expect(answer.headers.get('retry-after')).toBe('1');
      }
    }
    // A name that is not an image type is refused at once, indexing or not.
    expect((await call(server, 'GET', '/file?path=/empty/notes.txt')).status).toBe(415);

    await release();
    expect((await call(server, 'GET', '/item?path=/nope.jpg')).status).toBe(404);
    expect((await call(server, 'GET', '/file?path=/.hidden/e.jpg')).status).toBe(404);
    expect((await call(server, 'GET', '/file?path=/link.jpg')).status).toBe(200);
    const batch = await call(server, 'PATCH', '/items', [{ path: '/nope.jpg', base_version: 1, set_star: 1 }], key());
    expect(batch.json.results[0].status).toBe('not_found');
  });
});

describe('listings while indexing', () => {
  it('never call an existing folder missing, list the folders found on disk, and say they are partial', async () => {
    const { server, release } = await heldServer();
    const root = await call(server, 'GET', '/folders?path=/');
    expect(root.status).toBe(200);
    expect(root.json.indexing).toMatchObject({ done: 0 });
    expect(root.json.dirs.map((d: { path: string }) => d.path)).toEqual(['/empty', '/set_00', '/set_01']);
    const folder = await call(server, 'GET', '/folders?path=/set_00');
    expect(folder.status).toBe(200);
    expect(folder.json).toMatchObject({ path: '/set_00', total: 0, indexing: { done: 0 } });
    expect(folder.json.dirs).toEqual([{ name: 'deep', path: '/set_00/deep', count: 0 }]);
    const tree = await call(server, 'GET', '/folders?path=/set_00/deep&limit=0');
    expect(tree.status).toBe(200);
    const query = await call(server, 'POST', '/query', { path: '/set_00' });
    expect(query.status).toBe(503);
    expect(query.json.error.code).toBe('indexing');
    expect((await call(server, 'POST', '/query', { path: '/' })).json.indexing).toBeDefined();
    expect((await call(server, 'GET', '/search?q=b&path=/set_00')).status).toBe(503);
    for (const path of ['/nope', '/.hidden']) {
      const missing = await call(server, 'GET', `/folders?path=${path}`);
      expect(missing.status, path).toBe(503);
      expect(missing.headers.get('retry-after')).toBe('1');
    }

    await release();
    const after = await call(server, 'GET', '/folders?path=/');
    expect(after.json.indexing).toBeUndefined();
    // An empty folder (no images) is listed no more once the index is complete.
    expect(after.json.dirs.map((d: { path: string; count: number }) => [d.path, d.count])).toEqual([
      ['/set_00', 2],
      ['/set_01', 1],
    ]);
    expect((await call(server, 'GET', '/folders?path=/nope')).status).toBe(404);
    expect((await call(server, 'GET', '/folders?path=/empty')).status).toBe(404);
    expect((await call(server, 'POST', '/query', { path: '/set_00' })).json.total).toBe(2);
  });
});

describe('a restart on a large folder', () => {
  it('answers every item route for existing images right after start, never 404', async () => {
    const dir = await makeImageTree(makeTempDir(), { 'seed.jpg': { w: 16, h: 12 } });
    cleanups.push(() => removeDir(dir));
    // 20 folders of 1,000 hard links: distinct paths at no disk cost; enough that indexing takes a while.
    const paths: string[] = [];
    for (let s = 0; s < 20; s++) {
      const set = `set_${String(s).padStart(2, '0')}`;
      mkdirSync(join(dir, set));
      for (let i = 0; i < 1000; i++) {
        const name = `img_${String(i).padStart(4, '0')}.jpg`;
        linkSync(join(dir, 'seed.jpg'), join(dir, set, name));
        paths.push(`/${set}/${name}`);
      }
    }
    const server = await startServer({ root: dir, port: 0, webDir: null, workspaceDir: makeTempDir() });
    cleanups.push(() => server.close());
    const statuses = new Map<number, number>();
    let duringIndexing = 0;
    // Spread over the tree, asked while the index fills: each answer is a success or a 503 to retry.
    for (let n = 0; n < 60 && server.source.progress().state === 'running'; n++) {
      const path = paths[(n * 337) % paths.length]!;
      const q = `?path=${encodeURIComponent(path)}`;
      for (const [method, url, body] of [
        ['GET', `/item${q}`],
        ['GET', `/file${q}`],
        ['PATCH', `/item${q}`, { base_version: 1, add_tags: ['restart'] }],
        ['GET', `/folders?path=${encodeURIComponent(path.slice(0, 7))}&limit=0`],
      ] as const) {
        const answer = await call(server, method, url, body, key());
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }
      if (server.source.progress().state === 'running') duringIndexing++;
    }
    expect(duringIndexing, 'indexing ended before the first requests: the folder is too small to prove anything').toBeGreaterThan(0);
    expect([...statuses.keys()].filter((s) => s !== 200 && s !== 503)).toEqual([]);
    await server.source.whenIdle();
    expect(server.source.catalog.aliveCount).toBe(20_001);
  });
});

describe('a labels database that lost its labels', () => {
  async function labelled(): Promise<{ dir: string; db: string; bytes: Buffer }> {
    const dir = await makeImageTree(makeTempDir(), { 'a.jpg': { w: 8, h: 8 } });
    cleanups.push(() => removeDir(dir));
    const server = await startServer({ root: dir, port: 0, webDir: null });
    for (let v = 1; v <= 20; v++) expect((await call(server, 'PATCH', '/item?path=/a.jpg', { base_version: v, set_notes: 'n'.repeat(2000) + v }, key())).status).toBe(200);
    await server.close();
    const db = join(dir, '.lenslet', 'labels.sqlite');
    return { dir, db, bytes: readFileSync(db) };
  }

  it.each([
    ['0 bytes', () => Buffer.alloc(0), 'is empty (0 bytes)'],
    ['a truncated copy', (b: Buffer) => b.subarray(0, b.length >> 1), 'is damaged (database disk image is malformed)'],
  ])('refuses to start on %s, naming the file and what to do', async (_, damage, reason) => {
    const { dir, db, bytes } = await labelled();
    writeFileSync(db, damage(bytes));
    const failure = await startServer({ root: dir, port: 0, webDir: null }).then(
      async (server) => {
        await server.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(LabelsDbError);
    const message = (failure as Error).message;
    expect(message).toContain(`labels database ${db} ${reason}`);
    expect(message).toMatch(/restore it from a backup, or move it aside to start with no labels$/);
    expect(message).not.toContain('\n');
    // The refused file is left exactly as it was found.
    expect(readFileSync(db).equals(damage(bytes))).toBe(true);
  });

  it('starts on a brand-new workspace, creating the database only on the first write, never empty', async () => {
    const dir = await makeImageTree(makeTempDir(), { 'a.jpg': { w: 8, h: 8 } });
    cleanups.push(() => removeDir(dir));
    const server = await startServer({ root: dir, port: 0, webDir: null });
    cleanups.push(() => server.close());
    const db = join(dir, '.lenslet', 'labels.sqlite');
    expect(existsSync(db)).toBe(false);
    expect((await call(server, 'PATCH', '/item?path=/a.jpg', { base_version: 1, set_star: 2 }, key())).status).toBe(200);
    expect(readFileSync(db).subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
    expect(readdirSync(join(dir, '.lenslet')).filter((name) => name.endsWith('.new'))).toEqual([]);
  });
});
