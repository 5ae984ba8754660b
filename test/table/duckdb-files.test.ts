import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { Item } from '../../src/protocol/items.js';
import { launch } from '../../src/server/launch.js';

// Tables written by DuckDB itself (see test/fixtures/duckdb/README.md): real ZSTD and snappy pages,
// DuckDB's 3-level LIST encoding, nulls in every column kind, FLOAT and TIMESTAMP columns.
const FIXTURES = path.resolve('test/fixtures/duckdb');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function tableWithImages(fixture: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-duckdb-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'img', 'sub'), { recursive: true });
  const image = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: { r: 200, g: 40, b: 40 } } });
  writeFileSync(path.join(dir, 'img', 'a.jpg'), await image(40, 30).jpeg().toBuffer());
  writeFileSync(path.join(dir, 'img', 'b.png'), await image(30, 40).png().toBuffer());
  writeFileSync(path.join(dir, 'img', 'sub', 'c.webp'), await image(12, 10).webp().toBuffer());
  writeFileSync(path.join(dir, 'img', 'sub', 'd.jpg'), await image(20, 20).jpeg().toBuffer());
  copyFileSync(path.join(FIXTURES, fixture), path.join(dir, 't.parquet'));
  return path.join(dir, 't.parquet');
}

describe.each(['duckdb-zstd.parquet', 'duckdb-snappy.parquet'])('a table written by DuckDB: %s', (fixture) => {
  it('loads rows, metrics, label seeds, dimensions and times; a missing image is a 404', async () => {
    const server = await launch({ path: await tableWithImages(fixture), port: 0, webDir: null });
    try {
      await server.server.source.whenIdle();
      const response = await fetch(`${server.url}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"limit":50}' });
      const { items, total } = (await response.json()) as { items: Item[]; total: number };
      expect(total).toBe(5);
      const byPath = new Map(items.map((i) => [i.path, i]));
      const a = byPath.get('/img/a.jpg')!;
      expect(a).toMatchObject({ w: 40, h: 30, tags: ['cat', 'cute'], star: 5, notes: 'best one', added_at: '2026-01-05T10:00:00.000Z' });
      expect(a.metrics!.aesthetic).toBe(0.91);
      expect(a.metrics!.blur).toBeCloseTo(0.1, 6); // FLOAT column: single precision
      expect(byPath.get('/img/sub/c.webp')).toMatchObject({ star: 2, tags: [], notes: '', w: 0, h: 0 });
      expect(byPath.get('/img/sub/c.webp')!.metrics).not.toHaveProperty('aesthetic'); // null stays missing
      expect(byPath.get('/img/sub/d.jpg')).toMatchObject({ tags: ['dog'], notes: 'needs crop', star: null });
      expect(byPath.get('/img/b.png')).toMatchObject({ tags: [], star: null, notes: '' });

      const fields = (await (await fetch(`${server.url}/metrics/fields`)).json()) as { metrics: { name: string }[] };
      expect(fields.metrics.map((m) => m.name).sort()).toEqual(['aesthetic', 'blur']); // width, height, star, created are not metrics

      const seeded = (await (await fetch(`${server.url}/item?path=/img/a.jpg`)).json()) as { version: number; tags: string[] };
      expect(seeded).toMatchObject({ version: 1, tags: ['cat', 'cute'] });
      expect((await fetch(`${server.url}/thumb?path=/img/sub/c.webp`)).status).toBe(200);
      expect((await fetch(`${server.url}/file?path=/img/missing.jpg`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
