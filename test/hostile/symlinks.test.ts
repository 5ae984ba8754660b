import { existsSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TreeSpec } from '../factories/image-tree.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';

/** Issue 9, "The boundary": symlinks that multiply items, alias folders, or lead into the workspace. */

const post = (t: TestServer, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(t.url + url, {
    method: body === undefined ? 'POST' : 'PATCH',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const listed = async (t: TestServer) => {
  const { body } = await t.json('/folders?path=/&recursive=1&limit=1000');
  return { total: body.total as number, paths: (body.items as { path: string }[]).map((i) => i.path) };
};

describe('seven folders linking to each other', () => {
  let t: TestServer;
  beforeAll(async () => {
    const tree: TreeSpec = {};
    for (let i = 1; i <= 7; i++) {
      tree[`f${i}/img.jpg`] = { w: 4, h: 4 };
      for (let j = 1; j <= 7; j++) if (j !== i) tree[`f${i}/to${j}`] = { symlink: `../f${j}` };
    }
    t = await startTestServer(tree); // main: 13,699 items
  });
  afterAll(() => t.close());

  it('list the seven files once each', async () => {
    const { total, paths } = await listed(t);
    expect(total).toBe(7);
    expect(paths.sort()).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `/f${i}/img.jpg`));
  });
});

describe('links into the workspace and to an ancestor', () => {
  let t: TestServer;
  let labels: string;
  beforeAll(async () => {
    t = await startTestServer({ 'a.jpg': { w: 4, h: 4 }, 'real.jpg': { w: 6, h: 6 }, 'swap.jpg': { symlink: 'real.jpg' }, 'deep/b/c.jpg': { w: 4, h: 4 }, 'deep/up': { symlink: '..' } });
    // A first label write creates the workspace database.
    const written = await post(t, '/item?path=/a.jpg', { base_version: 1, set_star: 3 }, { 'idempotency-key': 'hostile:1' });
    expect(written.status).toBe(200);
    labels = join(t.dir, '.lenslet', 'labels.sqlite');
    expect(existsSync(labels)).toBe(true);
  });
  afterAll(() => t.close());

  it('a visible x.jpg linking to labels.sqlite is neither listed nor served', async () => {
    symlinkSync(labels, join(t.dir, 'x.jpg'));
    expect((await post(t, '/refresh?path=/')).status).toBe(200);
    expect((await listed(t)).paths).not.toContain('/x.jpg');
    for (const route of ['file', 'thumb', 'metadata']) {
      const response = await t.get(`/${route}?path=/x.jpg`);
      expect(response.status, route).toBe(404);
      expect(await response.text(), route).not.toContain('SQLite format');
    }
  });

  it('a refresh through a link to an ancestor adds no aliases', async () => {
    const before = await listed(t);
    expect(before.paths.some((p) => p.includes('/up'))).toBe(false);
    for (const path of ['/deep/up', '/deep/up/deep/b', '/deep/up/deep/up/a.jpg']) {
      const response = await post(t, `/refresh?path=${encodeURIComponent(path)}`);
      expect(response.status, path).toBe(404);
    }
    expect(await listed(t)).toEqual(before);
  });

  it('a link swapped after indexing to point into the workspace is not served', async () => {
    expect((await t.get('/file?path=/swap.jpg')).status).toBe(200);
    rmSync(join(t.dir, 'swap.jpg'));
    symlinkSync(labels, join(t.dir, 'swap.jpg'));
    for (const route of ['file', 'thumb', 'metadata']) {
      const response = await t.get(`/${route}?path=/swap.jpg`);
      const text = await response.text();
      expect(response.status, route).toBe(400);
      expect(JSON.parse(text).error.code, route).toBe('invalid_path');
      expect(text, route).not.toContain('SQLite format');
    }
  });
});
