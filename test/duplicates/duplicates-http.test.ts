import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuplicatesResponse } from '../../src/protocol/duplicates.js';
import type { Health } from '../../src/protocol/health.js';
import { makeTempDir, removeDir, type TreeSpec } from '../factories/image-tree.js';
import { startServer } from '../../src/server/index.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';
import { expectWireResponse } from '../support/wire.js';
import { photo, VARIANTS } from './near-duplicates.js';

/** Asks again (on the next turn of the event loop) until `done` holds; the test's timeout bounds it. */
async function until<T>(ask: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await ask();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function post(url: string, body: unknown): Promise<{ status: number; body: DuplicatesResponse & { error?: { code: string } } }> {
  const response = await fetch(`${url}/duplicates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  expectWireResponse('POST', `${url}/duplicates`, response.status, json);
  return { status: response.status, body: json };
}

async function health(url: string): Promise<Health> {
  return (await fetch(`${url}/health`)).json() as Promise<Health>;
}

function hashed(url: string): Promise<Health> {
  return until(
    () => health(url),
    (h) => h.phash?.state === 'done' && h.phash.done === h.items,
  );
}

/** Two photos with their four copies each, spread over two folders, and four photos with no copy (two pairs of one scene type). */
async function tree(): Promise<TreeSpec> {
  const spec: TreeSpec = {};
  for (const name of ['astronaut', 'coffee']) {
    const original = photo(`${name}.jpg`);
    spec[`a/${name}.jpg`] = original;
    for (const [variant, { ext, make }] of Object.entries(VARIANTS)) spec[`${variant === 'resized' ? 'a' : 'b'}/${name}-${variant}.${ext}`] = await make(original);
  }
  for (const name of ['stars-a', 'stars-b', 'grass', 'gravel']) spec[`c/${name}.jpg`] = photo(`${name}.jpg`);
  return spec;
}

const paths = (r: DuplicatesResponse) => r.groups.map((g) => g.items.map((i) => i.path));

describe('POST /duplicates', () => {
  let server: TestServer;
  let workspace: string;

  beforeAll(async () => {
    workspace = makeTempDir('lenslet-dups-ws-');
    server = await startTestServer(await tree(), { workspaceDir: workspace, watch: true });
    await server.server.services.living.watching;
    await hashed(server.url);
  });

  afterAll(async () => {
    await server?.close();
    removeDir(workspace);
  });

  it('[DU1] hashes every image after indexing, with progress in /health, into the workspace', async () => {
    const h = await health(server.url);
    expect(h.phash).toEqual({ state: 'done', done: 14, total: 14 });
    expect(existsSync(join(workspace, 'phash.sqlite'))).toBe(true);
  });

  it('[DU3][DU4] puts each photo with its resized, WebP, cropped and brighter copies, and nothing else, best first', async () => {
    const { status, body } = await post(server.url, { path: '/' });
    expect(status).toBe(200);
    expect(body.max_distance).toBe(12);
    expect(body).toMatchObject({ total: 14, pending: 0 });
    expect(paths(body).map((g) => [...g].sort())).toEqual([
      ['/a/astronaut-resized.jpg', '/a/astronaut.jpg', '/b/astronaut-brighter.jpg', '/b/astronaut-cropped.jpg', '/b/astronaut-webp.webp'],
      ['/a/coffee-resized.jpg', '/a/coffee.jpg', '/b/coffee-brighter.jpg', '/b/coffee-cropped.jpg', '/b/coffee-webp.webp'],
    ]);
    for (const group of body.groups) {
      const pixels = group.items.map((i) => i.w * i.h);
      expect(pixels).toEqual([...pixels].sort((x, y) => y - x));
      for (let i = 1; i < group.items.length; i++) {
        const [a, b] = [group.items[i - 1]!, group.items[i]!];
        if (a.w * a.h === b.w * b.h) expect(a.size).toBeGreaterThanOrEqual(b.size);
      }
      expect(group.items.at(-1)!.path).toMatch(/-resized\.jpg$/);
      expect(group.distance).toBeGreaterThan(0);
      expect(group.distance).toBeLessThanOrEqual(12);
    }
  });

  it('[DU4] looks only in the folder asked for, below it unless recursive is false', async () => {
    expect(paths((await post(server.url, { path: '/a', recursive: false })).body).map((g) => g.length)).toEqual([2, 2]);
    expect((await post(server.url, { path: '/b' })).body.groups.map((g) => g.items.length)).toEqual([3, 3]);
    expect((await post(server.url, { path: '/c' })).body.groups).toEqual([]);
    // A distance of 0 groups only identical hashes.
    const exact = (await post(server.url, { path: '/', max_distance: 0 })).body;
    expect(exact.groups.every((g) => g.distance === 0)).toBe(true);
    expect(exact.groups.length).toBeLessThan(4);
  });

  it('[DU5] refuses bad input with 4xx and a code', async () => {
    const cases: [unknown, number, string][] = [
      [{ max_distance: -1 }, 400, 'invalid_body'],
      [{ max_distance: 25 }, 400, 'invalid_body'],
      [{ max_distance: 2.5 }, 400, 'invalid_body'],
      [{ path: 3 }, 400, 'invalid_body'],
      [{ paths: '/' }, 400, 'invalid_body'],
      [{ min_score: 0.9 }, 400, 'invalid_body'],
      [{ embedding: 'clip', max_distance: 4 }, 400, 'invalid_body'],
      [{ path: '/../etc' }, 400, 'invalid_path'],
      [{ path: '/nowhere' }, 404, 'folder_not_found'],
      [{ embedding: 'clip', min_score: 0.9 }, 400, 'embedding_unknown'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await post(server.url, body);
      expect([answer.status, answer.body.error?.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const notJson = await fetch(`${server.url}/duplicates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
  });

  it('[DU6] a file added, rewritten or removed under the watching server is hashed again and regrouped', async () => {
    const copy = await VARIANTS.webp!.make(photo('stars-a.jpg'));
    writeFileSync(join(server.dir, 'c', 'stars-a-copy.webp'), copy);
    const grouped = await until(
      () => post(server.url, { path: '/c' }),
      (r) => r.body.groups.length === 1,
    );
    expect(paths(grouped.body)).toEqual([['/c/stars-a.jpg', '/c/stars-a-copy.webp']]);
    // Rewritten in place with another photo: no longer a copy.
    writeFileSync(join(server.dir, 'c', 'stars-a-copy.webp'), await VARIANTS.webp!.make(photo('camera.jpg')));
    await until(
      () => post(server.url, { path: '/c' }),
      (r) => r.body.groups.length === 0 && r.body.total === 5 && r.body.pending === 0,
    );
    rmSync(join(server.dir, 'b', 'coffee-webp.webp'));
    const after = await until(
      () => post(server.url, { path: '/b' }),
      (r) => r.body.total === 5,
    );
    expect(after.body.groups.map((g) => g.items.length)).toEqual([3, 2]);
  });

  it('[DU1] a restart over the same workspace decodes nothing again', async () => {
    const ws = makeTempDir('lenslet-dups-ws-');
    const first = await startTestServer({ 'x/coffee.jpg': photo('coffee.jpg'), 'x/coffee.webp': await VARIANTS.webp!.make(photo('coffee.jpg')) }, { workspaceDir: ws });
    try {
      await hashed(first.url);
      expect(first.server.services.phashes.stats.decoded).toBe(2);
      await first.server.close();
      const restarted = await startServer({ root: first.dir, port: 0, webDir: null, workspaceDir: ws });
      try {
        await restarted.source.whenIdle();
        await hashed(restarted.url);
        expect(restarted.services.phashes.stats).toMatchObject({ loaded: 2, decoded: 0 });
        expect((await post(restarted.url, { path: '/x' })).body.groups.length).toBe(1);
      } finally {
        await restarted.close();
      }
    } finally {
      await first.close();
      removeDir(ws);
    }
  });
});

describe('POST /duplicates with --no-write', () => {
  it('[DU7] keeps the hashes in the temp workspace and writes nothing beside the photos', async () => {
    const server = await startTestServer(await tree(), { noWrite: true });
    try {
      await hashed(server.url);
      expect((await post(server.url, { path: '/' })).body.groups.length).toBe(2);
      expect(existsSync(join(server.server.workspace.dir, 'phash.sqlite'))).toBe(true);
      expect(readdirSync(server.dir).sort()).toEqual(['a', 'b', 'c']);
    } finally {
      await server.close();
    }
  });
});
