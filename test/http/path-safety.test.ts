import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeImage, makeTempDir, removeDir } from '../factories/image-tree.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';
import { HOSTILE_PATHS, PATH_ROUTES } from './path-safety.cases.js';

// <outside>/secret.jpg and <outside>/secret/ sit next to the served folder <outside>/root.
let outside: string;
let t: TestServer;
let secretBytes: Buffer;

beforeAll(async () => {
  outside = makeTempDir('lenslet-outside-');
  secretBytes = await encodeImage('jpg', { w: 9, h: 9, color: { r: 1, g: 2, b: 3 } });
  writeFileSync(join(outside, 'secret.jpg'), secretBytes);
  mkdirSync(join(outside, 'secret'));
  writeFileSync(join(outside, 'secret', 'secret.jpg'), secretBytes);
  t = await startTestServer({
    'a.jpg': { w: 8, h: 8 },
    'a/b.jpg': { w: 8, h: 8 },
    escape: { symlink: join(outside, 'secret') },
    'escape.jpg': { symlink: join(outside, 'secret.jpg') },
  });
});

afterAll(async () => {
  await t.close();
  removeDir(outside);
});

describe('path handling on every route that takes a path', () => {
  for (const route of PATH_ROUTES) {
    describe(`${route.method} ${route.url('…')}`, () => {
      for (const hostile of HOSTILE_PATHS) {
        it(`refuses ${hostile} with a 4xx and no outside bytes`, async () => {
          const response = await fetch(t.url + route.url(hostile), {
            method: route.method,
            headers: { ...route.headers, ...(route.body === undefined ? {} : { 'content-type': 'application/json' }) },
            body: route.body === undefined ? undefined : JSON.stringify(route.body),
          });
          const body = Buffer.from(await response.arrayBuffer());
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(body.includes(secretBytes)).toBe(false);
          // Always an error body (which may echo the requested path), never a listing or item.
          expect(Object.keys(JSON.parse(body.toString()))).toEqual(['error']);
        });
      }
    });
  }

  it('never indexes symlinks that leave the root', async () => {
    const { body } = await t.json('/folders?path=/&recursive=1');
    expect(body.items.map((i: { path: string }) => i.path).sort()).toEqual(['/a.jpg', '/a/b.jpg']);
    expect(body.dirs.map((d: { name: string }) => d.name)).toEqual(['a']);
  });

  it('still serves the legitimate neighbours of those paths', async () => {
    expect((await t.get('/file?path=/a/b.jpg')).status).toBe(200);
    expect((await t.get('/file?path=a/b.jpg')).status).toBe(200); // leading slash is optional
  });
});
