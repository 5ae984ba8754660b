import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from '../../src/server/launch.js';
import { writeParquet } from './parquet-fixtures.js';

/** A table's `flag` column seeds the flag like `star` seeds the star (issue 12; labels/SPEC.md LF4). */

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-flag-seeds-'));
  mkdirSync(path.join(dir, 'imgs'));
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 90, g: 0, b: 0 } } }).jpeg().toBuffer();
  for (const name of ['a', 'b', 'c', 'd', 'e']) writeFileSync(path.join(dir, 'imgs', `${name}.jpg`), jpeg);
  writeParquet(path.join(dir, 't.parquet'), [
    { name: 'image', type: 'STRING', data: ['imgs/a.jpg', 'imgs/b.jpg', 'imgs/c.jpg', 'imgs/d.jpg', 'imgs/e.jpg'] },
    { name: 'flag', type: 'STRING', data: ['pick', ' Reject ', 'maybe', null, 'PICK'] },
    { name: 'star', type: 'INT32', data: [null, null, 3, null, 2] },
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('table flag seeds', () => {
  it('[LF4] seeds pick and reject (trimmed, any case) at version 1; other values seed no flag; /query filters them', async () => {
    const server = await launch({ path: path.join(dir, 't.parquet'), port: 0, webDir: null });
    try {
      expect(await server.server.services.seeding?.done).toEqual({ inserted: 4, kept: 0, skipped: 0 });
      const item = async (p: string) => (await (await fetch(`${server.url}/item?path=${p}`)).json()) as { flag: unknown; star: unknown; version: number };
      expect(await item('/imgs/a.jpg')).toMatchObject({ flag: 'pick', star: null, version: 1 });
      expect(await item('/imgs/b.jpg')).toMatchObject({ flag: 'reject', version: 1 });
      expect(await item('/imgs/c.jpg')).toMatchObject({ flag: null, star: 3, version: 1 });
      expect(await item('/imgs/d.jpg')).toMatchObject({ flag: null, version: 1 });
      expect(await item('/imgs/e.jpg')).toMatchObject({ flag: 'pick', star: 2 });
      const res = await fetch(`${server.url}/query`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filters: [{ flags: ['pick'] }] }),
      });
      expect(((await res.json()) as { items: { path: string }[] }).items.map((i) => i.path)).toEqual(['/imgs/a.jpg', '/imgs/e.jpg']);
      // The flag column is a label, not a metric.
      const fields = (await (await fetch(`${server.url}/metrics/fields`)).json()) as { metrics: { name: string }[] };
      expect(fields.metrics.map((m) => m.name)).not.toContain('flag');
    } finally {
      await server.close();
    }
  });
});
