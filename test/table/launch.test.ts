import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/protocol/items.js';
import { launch } from '../../src/server/index.js';
import { datasetRows } from '../../src/server/launch.js';

async function tree(files: string[]): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-launch-'));
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 9, g: 9, b: 9 } } }).jpeg().toBuffer();
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), jpeg);
  }
  return dir;
}

async function all(url: string): Promise<Item[]> {
  const response = await fetch(`${url}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ limit: 100 }) });
  return ((await response.json()) as { items: Item[] }).items;
}

describe('launch()', () => {
  it('serves named datasets, keeping nested paths; same base names never overwrite', async () => {
    const dir = await tree(['x/cat.jpg', 'y/cat.jpg', 'y/deep/dog.jpg', 'z/cat.jpg']);
    const server = await launch({
      datasets: { pets: [path.join(dir, 'x/cat.jpg'), path.join(dir, 'y/cat.jpg'), path.join(dir, 'y/deep/dog.jpg')], more: [path.join(dir, 'z/cat.jpg'), path.join(dir, 'z/cat.jpg')] },
      port: 0,
      webDir: null,
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await server.server.source.whenIdle();
      expect((await all(server.url)).map((i) => i.path).sort()).toEqual([
        '/more/cat-2.jpg', '/more/cat.jpg', '/pets/x/cat.jpg', '/pets/y/cat.jpg', '/pets/y/deep/dog.jpg',
      ]);
      expect((await fetch(`${server.url}/file?path=/pets/y/deep/dog.jpg`)).status).toBe(200);
      expect((await fetch(`${server.url}/thumb?path=/more/cat-2.jpg`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('serves rows with a path, a source and metric columns', async () => {
    const dir = await tree(['a.jpg', 'b.jpg']);
    const server = await launch({
      rows: [
        { path: '/set/one.jpg', source: path.join(dir, 'a.jpg'), quality: 0.2, caption: 'first' },
        { path: '/set/two.jpg', source: path.join(dir, 'b.jpg'), quality: 0.8, caption: 'second' },
      ],
      baseDir: dir,
      port: 0,
      webDir: null,
    });
    try {
      await server.server.source.whenIdle();
      const items = await all(server.url);
      expect(items.map((i) => [i.path, i.metrics])).toEqual([
        ['/set/one.jpg', { quality: 0.2 }],
        ['/set/two.jpg', { quality: 0.8 }],
      ]);
      expect((await fetch(`${server.url}/file?path=/set/two.jpg`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('serves a plain folder by path, and refuses ambiguous arguments', async () => {
    const dir = await tree(['p/q.jpg']);
    const server = await launch({ path: dir, port: 0, webDir: null, noWrite: true });
    try {
      await server.server.source.whenIdle();
      expect((await all(server.url)).map((i) => i.path)).toEqual(['/p/q.jpg']);
    } finally {
      await server.close();
    }
    await expect(launch({ port: 0 })).rejects.toThrow(/exactly one/);
  });

  it('derives dataset paths for URLs and S3 objects', () => {
    const { rows } = datasetRows({ web: ['https://cdn.example.com/a/b.jpg', 's3://bkt/k/c.jpg'] });
    expect(rows).toEqual([
      { source: 'https://cdn.example.com/a/b.jpg', path: '/web/cdn.example.com/a/b.jpg' },
      { source: 's3://bkt/k/c.jpg', path: '/web/bkt/k/c.jpg' },
    ]);
  });
});
