import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelLookup, LabelSnapshot } from '../../src/server/labels/label-lookup.js';
import { refreshResponseSchema } from '../../src/protocol/folders.js';
import { encodeImage } from '../factories/image-tree.js';
import { expectWire } from '../support/wire.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';

const labels = new Map<string, LabelSnapshot>([
  ['/cats/tabby.jpg', { star: 4, flag: null, tags: ['Fluffy', 'orange'], notes: 'on the sofa', version: 3, metrics: { aesthetic: 0.8 } }],
  ['/dogs/rex.png', { star: null, flag: null, tags: [], notes: 'very good boy', version: 2, metrics: {} }],
  ['/dogs/gone.png', { star: 1, flag: null, tags: ['fluffy'], notes: '', version: 2, metrics: {} }], // labeled but not on disk
]);
const lookup: LabelLookup = {
  peek: (path) => labels.get(path),
  forEachLabeled: (visit) => {
    for (const [key, value] of labels) visit(key, value);
  },
};

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(
    {
      'cats/tabby.jpg': { w: 8, h: 8 },
      'cats/siamese.jpg': { w: 8, h: 8 },
      'cats/deep/nested/Kitten.png': { w: 8, h: 8 },
      'dogs/rex.png': { w: 8, h: 8 },
      'birds/crow.webp': { w: 8, h: 8 },
    },
    { labels: false, labelLookup: lookup },
  );
});
afterAll(() => t.close());

const paths = (body: { items: { path: string }[] }) => body.items.map((i) => i.path);

describe('labels in listings', () => {
  it('fills star, tags, notes, version and metrics from the LabelLookup', async () => {
    const { body } = await t.json('/folders?path=/cats');
    const tabby = body.items.find((i: { name: string }) => i.name === 'tabby.jpg');
    expect(tabby).toMatchObject({ star: 4, tags: ['Fluffy', 'orange'], notes: 'on the sofa', version: 3, metrics: { aesthetic: 0.8 } });
    const siamese = body.items.find((i: { name: string }) => i.name === 'siamese.jpg');
    expect(siamese).toMatchObject({ star: null, tags: [], notes: '', version: 1 });
    expect(siamese.metrics).toBeUndefined();
  });
});

describe('GET /search', () => {
  it('searches the whole index by name and path, case-insensitively, including unvisited folders', async () => {
    expect(paths((await t.json('/search?q=kitten')).body)).toEqual(['/cats/deep/nested/Kitten.png']);
    expect(paths((await t.json('/search?q=deep/nest')).body)).toEqual(['/cats/deep/nested/Kitten.png']);
    expect((await t.json('/search?q=cats')).body.total).toBe(3);
  });

  it('matches tags and notes through the LabelLookup, never returning unindexed items', async () => {
    expect(paths((await t.json('/search?q=fluffy')).body)).toEqual(['/cats/tabby.jpg']);
    expect(paths((await t.json('/search?q=GOOD%20BOY')).body)).toEqual(['/dogs/rex.png']);
  });

  it('limits to a subtree and to a count, reporting the full total', async () => {
    expect(paths((await t.json('/search?q=.&path=/dogs')).body)).toEqual(['/dogs/rex.png']);
    const { body } = await t.json('/search?q=.&limit=2');
    expect(body.items).toHaveLength(2);
    expect(body.total).toBe(5);
  });

  it('[L7] lists matches in name order, as POST /query with a text clause does', async () => {
    const search = (await t.json('/search?q=.')).body;
    expect(paths(search)).toEqual(['/birds/crow.webp', '/cats/deep/nested/Kitten.png', '/dogs/rex.png', '/cats/siamese.jpg', '/cats/tabby.jpg']);
    const response = await fetch(`${t.url}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filters: [{ text: '.' }] }) });
    expect(paths(await response.json())).toEqual(paths(search));
  });

  it('validates its parameters', async () => {
    expect((await t.json('/search')).body.error.code).toBe('missing_parameter');
    expect((await t.json('/search?q=a&limit=0')).status).toBe(400);
    expect((await t.json('/search?q=a&path=/nope')).status).toBe(404);
    expect((await t.json('/search?q=')).body).toEqual({ items: [], total: 0 });
  });
});

describe('POST /refresh', () => {
  it('picks up new, changed and removed files in a subtree, leaving labels alone', async () => {
    writeFileSync(join(t.dir, 'cats', 'new.gif'), await encodeImage('gif', { w: 6, h: 7 }));
    writeFileSync(join(t.dir, 'cats', 'siamese.jpg'), await encodeImage('jpg', { w: 50, h: 20 }));
    rmSync(join(t.dir, 'cats', 'deep'), { recursive: true });
    const response = await fetch(`${t.url}/refresh?path=/cats`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(expectWire(refreshResponseSchema, await response.json())).toEqual({ ok: true, path: '/cats', added: 1, updated: 1, removed: 1 });

    const { body } = await t.json('/folders?path=/cats');
    expect(paths(body)).toEqual(['/cats/new.gif', '/cats/siamese.jpg', '/cats/tabby.jpg']);
    expect(body.items[0]).toMatchObject({ w: 6, h: 7 });
    expect(body.items[1]).toMatchObject({ w: 50, h: 20 });
    expect(body.items[2]).toMatchObject({ star: 4, tags: ['Fluffy', 'orange'] });
    expect(body.dirs).toEqual([]);
    expect((await t.json('/folders?path=/')).body.dirs.find((d: { name: string }) => d.name === 'cats').count).toBe(3);
  });

  it('finds a folder that appeared after start, and drops one that vanished', async () => {
    mkdirSync(join(t.dir, 'fish'));
    writeFileSync(join(t.dir, 'fish', 'nemo.png'), await encodeImage('png', { w: 3, h: 3 }));
    expect((await fetch(`${t.url}/refresh?path=/fish`, { method: 'POST' })).status).toBe(200);
    expect(paths((await t.json('/folders?path=/fish')).body)).toEqual(['/fish/nemo.png']);
    renameSync(join(t.dir, 'birds'), join(t.dir, '.birds-hidden'));
    const gone = await fetch(`${t.url}/refresh?path=/birds`, { method: 'POST' });
    expect(await gone.json()).toMatchObject({ removed: 1 });
    expect((await t.json('/folders?path=/birds')).status).toBe(404);
  });

  it('never indexes a hidden folder or the workspace, even when asked to refresh it', async () => {
    mkdirSync(join(t.dir, '.private'));
    writeFileSync(join(t.dir, '.private', 'p.png'), await encodeImage('png', { w: 3, h: 3 }));
    await t.get('/thumb?path=/dogs/rex.png'); // puts .webp files in .lenslet/thumbs
    for (const path of ['/.private', '/.lenslet', '/.lenslet/thumbs']) {
      const response = await fetch(`${t.url}/refresh?path=${encodeURIComponent(path)}`, { method: 'POST' });
      expect(response.status, path).toBe(404);
    }
    const all = (await t.json('/folders?path=/&recursive=1')).body;
    expect(all.items.some((i: { path: string }) => i.path.includes('/.'))).toBe(false);
  });

  it('refreshing a file rescans its folder; an unknown path is 404', async () => {
    const result = await fetch(`${t.url}/refresh?path=/dogs/rex.png`, { method: 'POST' });
    expect(await result.json()).toMatchObject({ ok: true, path: '/dogs' });
    const missing = await fetch(`${t.url}/refresh?path=/nowhere`, { method: 'POST' });
    expect(missing.status).toBe(404);
  });
});
