import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { openTableDataset } from '../../src/server/datasets/parquet-dataset.js';
import { writeParquet } from '../table/parquet-fixtures.js';

/**
 * Issue 9, "The boundary", for tables: a row may name any file below the base dir, and the table's
 * workspace (`t.parquet.cache/`) and views file (`t.parquet.lenslet.json`) sit there too. DS13 holds
 * for tables: rows naming Lenslet's own files, directly or through a link, are never served.
 */
let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-tws-'));
  const table = path.join(dir, 't.parquet');
  writeFileSync(path.join(dir, 'ok.jpg'), await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).jpeg().toBuffer());
  mkdirSync(`${table}.cache/thumbs`, { recursive: true });
  writeFileSync(path.join(`${table}.cache`, 'thumbs', 'kept.jpg'), 'secret cached bytes');
  writeFileSync(`${table}.lenslet.json`, '{"views":"secret"}');
  symlinkSync(path.join(`${table}.cache`, 'thumbs', 'kept.jpg'), path.join(dir, 'alias.jpg'));
  writeParquet(table, [
    {
      name: 'image',
      type: 'STRING',
      data: ['ok.jpg', 't.parquet.cache/thumbs/kept.jpg', 't.parquet.lenslet.json', 'alias.jpg', 't.parquet.cache/thumbs/none.jpg'],
    },
    { name: 'path', type: 'STRING', data: ['/ok.jpg', '/cache.jpg', '/views.jpg', '/alias.jpg', '/later.jpg'] },
  ]);
  const dataset = await openTableDataset({ kind: 'table-file', table }, { sourceColumn: 'image', pathColumn: 'path' });
  server = await startServer({ dataset, port: 0, webDir: null });
  await dataset.source.whenIdle();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('table rows naming the workspace', () => {
  it('serve an ordinary row', async () => {
    const response = await fetch(`${server.url}/file?path=/ok.jpg`);
    expect(response.status).toBe(200);
  });

  for (const logical of ['/cache.jpg', '/views.jpg', '/alias.jpg', '/later.jpg']) {
    it(`[DS13] refuse ${logical} on every byte route`, async () => {
      for (const route of ['file', 'thumb', 'metadata']) {
        const response = await fetch(`${server.url}/${route}?path=${logical}`);
        const text = await response.text();
        expect(response.status, route).toBeGreaterThanOrEqual(400);
        expect(response.status, route).toBeLessThan(500);
        expect(text, route).not.toContain('secret');
      }
    });
  }
});
