import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetMetadataAsync } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/server/catalog/catalog.js';
import { type NumericReader, workerNumericReader } from '../../src/server/datasets/parquet-numeric.js';
import { openParquet } from '../../src/server/datasets/parquet-reader.js';
import { loadTable } from '../../src/server/datasets/parquet-table.js';
import { type Codec, writeParquet } from './parquet-fixtures.js';

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'lenslet-table-'));
}

const rows = {
  image: ['imgs/a.jpg', 'imgs/b.png', null, 'https://cdn.example.com/x/y.webp', 's3://bucket/k/z.jpg', 'imgs/a.jpg', '../escape.jpg'],
  aesthetic: [0.9, null, 0.5, 0.1, 0.7, 0.3, 0.2],
  clip: [1, 2, 3, 4, 5, 6, 7],
  width: [640, null, 100, 800, 1024, 10, 1],
  height: [480, null, 100, 600, 768, 10, 1],
  tags: [['cat', 'cute'], null, [], ['dog'], null, [], null],
  star: [5, null, 0, 3, null, null, null],
  notes: ['nice', null, null, '', null, null, null],
  caption: ['a cat', 'b', 'c', 'd', 'e', 'f', 'g'],
};

function write(dir: string, codec: Codec): string {
  const file = path.join(dir, `items-${codec}.parquet`);
  writeParquet(
    file,
    [
      { name: 'image', type: 'STRING', data: rows.image },
      { name: 'caption', type: 'STRING', data: rows.caption },
      { name: 'aesthetic', type: 'DOUBLE', data: rows.aesthetic },
      { name: 'clip', type: 'INT64', data: rows.clip },
      { name: 'width', type: 'INT32', data: rows.width },
      { name: 'height', type: 'INT32', data: rows.height },
      { name: 'tags', type: 'STRING_LIST', data: rows.tags },
      { name: 'star', type: 'INT32', data: rows.star },
      { name: 'notes', type: 'STRING', data: rows.notes },
      { name: 'flag', type: 'BOOLEAN', data: rows.clip.map((v) => v % 2 === 0) },
    ],
    { codec, rowGroupSize: 3 },
  );
  return file;
}

async function load(file: string, options: { sourceColumn?: string; pathColumn?: string; worker?: boolean } = {}) {
  const table = await openParquet(file);
  const catalog = new Catalog();
  try {
    const result = await loadTable(
      table,
      catalog,
      { baseDir: path.dirname(file), defaultAddedMs: 1_000, sourceColumn: options.sourceColumn, pathColumn: options.pathColumn },
      options.worker ? workerNumericReader(file, table) : undefined,
    );
    return { catalog, result };
  } finally {
    await table.close();
  }
}

describe('Parquet table loading', () => {
  for (const codec of ['SNAPPY', 'ZSTD', 'GZIP'] as const) {
    it(`reads a ${codec} table: paths, sources, dims, metrics, nulls and label seeds`, async () => {
      const dir = tempDir();
      const file = write(dir, codec);
      const { catalog, result } = await load(file, { sourceColumn: 'image' });
      expect(result.layout.metrics).toEqual(['aesthetic', 'clip']);
      expect(result.loaded).toBe(5);
      expect(result.skippedCount).toBe(2); // the null source and the one escaping the base dir
      expect(catalog.paths.slice(0, catalog.size)).toEqual([
        '/imgs/a.jpg', '/imgs/b.png', '/cdn.example.com/x/y.webp', '/bucket/k/z.jpg', '/imgs/a-2.jpg',
      ]);
      const a = catalog.idOf('/imgs/a.jpg')!;
      expect([catalog.width[a], catalog.height[a]]).toEqual([640, 480]);
      const b = catalog.idOf('/imgs/b.png')!;
      expect([catalog.width[b], catalog.height[b]]).toEqual([0, 0]); // null dims: learned later
      expect(Number.isNaN(catalog.metrics.get('aesthetic')![b]!)).toBe(true);
      expect(catalog.metrics.get('clip')![catalog.idOf('/bucket/k/z.jpg')!]).toBe(5);
      expect(catalog.typeOf(b)).toBe('image/png');
      expect(catalog.sources[catalog.idOf('/cdn.example.com/x/y.webp')!]).toBe('https://cdn.example.com/x/y.webp');
      expect(catalog.sources[catalog.idOf('/imgs/a-2.jpg')!]).toBe('imgs/a.jpg');
      expect(catalog.added[a]).toBe(1_000);
      expect(result.seeds.map((s) => ({ path: catalog.paths[s.id], tags: s.tags, star: s.star, notes: s.notes }))).toEqual([
        { path: '/imgs/a.jpg', tags: ['cat', 'cute'], star: 5, notes: 'nice' },
        { path: '/cdn.example.com/x/y.webp', tags: ['dog'], star: 3, notes: '' },
      ]);
    });
  }

  it('writes real ZSTD pages in the zstd fixture', async () => {
    const file = write(tempDir(), 'ZSTD');
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(file);
    const metadata = await parquetMetadataAsync(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    expect(metadata.row_groups[0]!.columns[0]!.meta_data!.codec).toBe('ZSTD');
  });

  it('reads numbers on a worker thread with the same result', async () => {
    const file = write(tempDir(), 'SNAPPY');
    const inline = await load(file, { sourceColumn: 'image' });
    const worker = await load(file, { sourceColumn: 'image', worker: true });
    for (const metric of ['aesthetic', 'clip']) {
      expect([...worker.catalog.metrics.get(metric)!.subarray(0, 5)]).toEqual([...inline.catalog.metrics.get(metric)!.subarray(0, 5)]);
    }
    expect([...worker.catalog.metrics.get('clip')!.subarray(0, 5)]).toEqual([1, 2, 4, 5, 6]); // ids moved down past the skipped row
    expect([...worker.catalog.width.subarray(0, 5)]).toEqual([640, 0, 800, 1024, 10]);
    expect([...worker.catalog.added.subarray(0, 5)]).toEqual([...inline.catalog.added.subarray(0, 5)]);
  });

  it('reads the numbers in-process when the worker fails part-way', async () => {
    const file = write(tempDir(), 'SNAPPY');
    const table = await openParquet(file);
    const catalog = new Catalog();
    const dying: NumericReader = async (_columns, into, onRows) => {
      for (const column of into) column.fill(42, 0, 3);
      onRows(3);
      throw new Error('worker ran out of memory');
    };
    await loadTable(table, catalog, { baseDir: path.dirname(file), defaultAddedMs: 0, sourceColumn: 'image' }, dying);
    await table.close();
    expect(catalog.metrics.get('clip')![0]).toBe(42); // rows 0-2 came from the "worker"
    expect(catalog.metrics.get('clip')![catalog.idOf('/bucket/k/z.jpg')!]).toBe(5); // the rest read here
    expect(catalog.metrics.get('clip')![catalog.idOf('/imgs/a-2.jpg')!]).toBe(6); // moved down past the skipped row
  });

  it('[TB9] says every path is in before the numbers are, so path-only work can start while they decode', async () => {
    const file = write(tempDir(), 'SNAPPY');
    const table = await openParquet(file);
    const catalog = new Catalog();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A reader still decoding when the string pass ends: the numbers land only once released.
    const slow: NumericReader = async (_columns, into, onRows) => {
      await gate;
      for (const column of into) column.fill(7, 0, 7);
      onRows(7);
    };
    const seen: { alive: number; clip: number; paths: string[] }[] = [];
    const loading = loadTable(
      table,
      catalog,
      {
        baseDir: path.dirname(file),
        defaultAddedMs: 0,
        sourceColumn: 'image',
        onPathsIn: () => {
          seen.push({ alive: catalog.aliveCount, clip: catalog.metrics.get('clip')![0]!, paths: catalog.paths.slice(0, catalog.size) });
          release();
        },
      },
      slow,
    );
    const result = await loading;
    await table.close();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.alive).toBe(result.loaded);
    expect(seen[0]!.paths).toEqual(catalog.paths.slice(0, catalog.size));
    expect(seen[0]!.clip).not.toBe(7); // not decoded yet when told
    expect(catalog.metrics.get('clip')![0]).toBe(7);
  });

  it('detects the image column from files that exist, and uses a path column for the tree', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'pics'));
    writeFileSync(path.join(dir, 'pics', 'one.jpg'), 'x');
    writeFileSync(path.join(dir, 'pics', 'two.jpg'), 'x');
    const file = path.join(dir, 't.parquet');
    writeParquet(file, [
      { name: 'label', type: 'STRING', data: ['first', 'second'] },
      { name: 'file', type: 'STRING', data: ['pics/one.jpg', 'pics/two.jpg'] },
      { name: 'where', type: 'STRING', data: ['/x/1.jpg', '/x/1.jpg'] },
    ]);
    const detected = await load(file);
    expect(detected.result.layout.source).toBe('file');
    const withPaths = await load(file, { pathColumn: 'where' });
    expect(withPaths.catalog.paths.slice(0, 2)).toEqual(['/x/1.jpg', '/x/1-2.jpg']);
    expect(withPaths.catalog.sources.slice(0, 2)).toEqual(['pics/one.jpg', 'pics/two.jpg']);
  });

  it('refuses a table without an image column, and an unknown --source-column', async () => {
    const file = path.join(tempDir(), 't.parquet');
    writeParquet(file, [{ name: 'caption', type: 'STRING', data: ['hello', 'world'] }]);
    await expect(load(file)).rejects.toThrow(/--source-column/);
    await expect(load(file, { sourceColumn: 'nope' })).rejects.toThrow(/not in the table/);
  });

  it('reads timestamps and epoch-second columns as the added time', async () => {
    const file = path.join(tempDir(), 't.parquet');
    writeParquet(file, [
      { name: 'src', type: 'STRING', data: ['a.jpg', 'b.jpg'] },
      { name: 'mtime', type: 'TIMESTAMP', data: [new Date('2026-01-02T00:00:00Z'), null] },
    ]);
    const { catalog } = await load(file);
    expect(new Date(catalog.added[0]!).toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(catalog.added[1]).toBe(1_000);
    const file2 = path.join(tempDir(), 't.parquet');
    writeParquet(file2, [
      { name: 'src', type: 'STRING', data: ['a.jpg'] },
      { name: 'added', type: 'INT64', data: [1_767_312_000] },
    ]);
    const second = await load(file2);
    expect(new Date(second.catalog.added[0]!).toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(second.catalog.metrics.size).toBe(0);
  });
});
