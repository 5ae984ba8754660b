import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldersResponseSchema } from '../../src/protocol/folders.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({
    'b10.jpg': { w: 30, h: 20 },
    'b2.png': { w: 10, h: 40 },
    'A1.webp': { w: 12, h: 12 },
    'notes.txt': 'not an image',
    '.hidden.jpg': { w: 4, h: 4 },
    '.secret/x.jpg': { w: 4, h: 4 },
    'empty/readme.md': 'no images here',
    'deep/one.gif': { w: 5, h: 6 },
    'deep/er/two.tif': { w: 7, h: 8 },
    'deep/er/three.avif': { w: 9, h: 10 },
    '.stash/one.gif': { w: 5, h: 6 },
    '.stash/er/two.tif': { w: 7, h: 8 },
    '.stash/er/three.avif': { w: 9, h: 10 },
    // A link to a folder listed at its own path is not followed (no aliases); one to a hidden folder is.
    'link-deep': { symlink: 'deep' },
    'link-in': { symlink: '.stash' },
  });
});
afterAll(() => t.close());

const paths = (body: { items: { path: string }[] }) => body.items.map((i) => i.path);

describe('GET /folders', () => {
  it('lists direct images and child folders with subtree counts', async () => {
    const { status, body } = await t.json('/folders?path=/');
    expect(status).toBe(200);
    foldersResponseSchema.parse(body);
    expect(paths(body)).toEqual(['/A1.webp', '/b2.png', '/b10.jpg']); // natural, case-insensitive
    expect(body.dirs).toEqual([
      { name: 'deep', path: '/deep', count: 3 },
      { name: 'link-in', path: '/link-in', count: 3 }, // a link to a folder not listed itself is followed
    ]);
    expect(body).toMatchObject({ path: '/', total: 3, offset: 0, limit: 500 });
    expect(body.items[1]).toMatchObject({ name: 'b2.png', type: 'image/png', w: 10, h: 40, star: null, tags: [], notes: '', version: 1 });
    expect(body.items[1].size).toBeGreaterThan(0);
    expect(new Date(body.items[1].added_at).toISOString()).toBe(body.items[1].added_at);
  });

  it('ignores hidden files, hidden folders, the workspace and non-images', async () => {
    await t.get('/thumb?path=/b2.png'); // creates .lenslet/thumbs inside the root
    await t.server.source.refresh('/');
    const { body } = await t.json('/folders?path=/&recursive=1');
    expect(paths(body).some((p: string) => p.includes('hidden') || p.includes('secret') || p.includes('.lenslet') || p.includes('stash') || p.includes('link-deep'))).toBe(false);
    expect(body.total).toBe(9);
  });

  it('lists a whole subtree with recursive=1', async () => {
    const { body } = await t.json('/folders?path=/deep&recursive=1');
    expect(paths(body)).toEqual(['/deep/one.gif', '/deep/er/three.avif', '/deep/er/two.tif']);
    expect(body.dirs).toEqual([{ name: 'er', path: '/deep/er', count: 2 }]);
  });

  it('returns windows', async () => {
    const { body } = await t.json('/folders?path=/&recursive=1&offset=2&limit=3');
    expect(body).toMatchObject({ total: 9, offset: 2, limit: 3 });
    expect(body.items).toHaveLength(3);
    const all = (await t.json('/folders?path=/&recursive=1')).body;
    expect(paths(body)).toEqual(paths(all).slice(2, 5));
    expect((await t.json('/folders?path=/&offset=100')).body.items).toEqual([]);
  });

  it('answers limit=0 with subfolders and the total only', async () => {
    const { status, body } = await t.json('/folders?path=/&limit=0');
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 3, items: [], limit: 0 });
    expect(body.dirs.map((d: { name: string }) => d.name)).toEqual(['deep', 'link-in']);
  });

  it('returns the window holding `around`, so a deep link finds its item', async () => {
    const all = paths((await t.json('/folders?path=/&recursive=1')).body);
    const target = all[7]!;
    const { body } = await t.json(`/folders?path=/&recursive=1&limit=3&around=${encodeURIComponent(target)}`);
    expect(body.offset).toBe(6);
    expect(paths(body)).toEqual(all.slice(6, 9));
    const missing = (await t.json('/folders?path=/&recursive=1&limit=3&offset=3&around=/nope.jpg')).body;
    expect(missing.offset).toBe(3); // an unknown path falls back to the offset asked for
  });

  it('sorts by name, added and seeded random, both directions', async () => {
    const asc = paths((await t.json('/folders?path=/&sort=name&order=asc')).body);
    const desc = paths((await t.json('/folders?path=/&sort=name&order=desc')).body);
    expect(desc).toEqual([...asc].reverse());
    const added = (await t.json('/folders?path=/&recursive=1&sort=added')).body.items;
    for (let i = 1; i < added.length; i++) expect(added[i].added_at >= added[i - 1].added_at).toBe(true);
    const r1 = paths((await t.json('/folders?path=/&recursive=1&sort=random&seed=1')).body);
    const r1again = paths((await t.json('/folders?path=/&recursive=1&sort=random&seed=1')).body);
    const r2 = paths((await t.json('/folders?path=/&recursive=1&sort=random&seed=2')).body);
    expect(r1again).toEqual(r1);
    expect([...r1].sort()).toEqual([...r2].sort());
    expect(r2).not.toEqual(r1);
  });

  it('accepts paths without a leading slash and with a trailing one', async () => {
    expect((await t.json('/folders?path=deep/')).body.path).toBe('/deep');
  });

  it('answers 404 for an unknown folder, a folder without images, and a file', async () => {
    for (const path of ['/nope', '/empty', '/b2.png']) {
      const { status, body } = await t.json(`/folders?path=${encodeURIComponent(path)}`);
      expect(status).toBe(404);
      expect(body.error.code).toBe('folder_not_found');
    }
  });

  it.each([
    ['limit=-1', 'invalid_parameter'],
    ['around=/a/../b', 'invalid_path'],
    ['limit=5001', 'invalid_parameter'],
    ['limit=abc', 'invalid_parameter'],
    ['offset=-1', 'invalid_parameter'],
    ['sort=size', 'invalid_parameter'],
    ['order=up', 'invalid_parameter'],
    ['recursive=yes', 'invalid_parameter'],
    ['seed=x', 'invalid_parameter'],
    ['path=/a&path=/b', 'invalid_parameter'],
  ])('refuses %s with 400', async (query, code) => {
    const { status, body } = await t.json(`/folders?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe(code);
  });
});

describe('one listing engine behind /folders and /query (src/server/query/SPEC.md)', () => {
  const query = async (body: unknown) => {
    const response = await fetch(`${t.url}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await response.json()) as { items: { path: string; w: number }[]; total: number };
  };

  it('[L6] /folders and /query return the same order for the same sort on the same folder', async () => {
    for (const sort of ['name', 'added', 'random']) {
      for (const order of ['asc', 'desc']) {
        for (const [path, recursive] of [['/', true], ['/', false], ['/deep', true]] as const) {
          const folders = (await t.json(`/folders?path=${path}&recursive=${recursive ? 1 : 0}&sort=${sort}&order=${order}&seed=3`)).body;
          const queried = await query({ path, recursive, sort: { key: sort, order, seed: 3 } });
          expect(paths(queried)).toEqual(paths(folders));
          expect(queried.total).toBe(folders.total);
        }
      }
    }
  });

  it('[L1] folders and files use the same natural collation', async () => {
    const { body } = await t.json('/folders?path=/');
    expect(paths(body)).toEqual(['/A1.webp', '/b2.png', '/b10.jpg']);
    const dirs = body.dirs.map((d: { name: string }) => d.name);
    expect(dirs).toEqual([...dirs].sort((a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
  });

  it('[L2] a seed keeps the same relative order with and without a filter', async () => {
    const all = (await t.json('/folders?path=/&recursive=1&sort=random&seed=5')).body.items as { path: string; w: number }[];
    const filtered = await query({ filters: [{ width: { gt: 8 } }], sort: { key: 'random', seed: 5 } });
    expect(filtered.total).toBeGreaterThan(1);
    expect(paths(filtered)).toEqual(all.filter((i) => i.w > 8).map((i) => i.path));
  });
});
