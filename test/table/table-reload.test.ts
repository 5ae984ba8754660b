import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DatasetChange } from '../../src/server/datasets/dataset-source.js';
import { ParquetSource } from '../../src/server/datasets/parquet-source.js';
import { makeTempDir, removeDir } from '../factories/image-tree.js';
import { writeParquet } from './parquet-fixtures.js';

interface Row {
  image: string;
  id: string;
  score: number;
  star?: number;
}

function writeTable(file: string, rows: Row[]): void {
  writeParquet(file, [
    { name: 'image', type: 'STRING', data: rows.map((r) => r.image) },
    { name: 'id', type: 'STRING', data: rows.map((r) => r.id) },
    { name: 'score', type: 'DOUBLE', data: rows.map((r) => r.score) },
    { name: 'star', type: 'INT32', data: rows.map((r) => r.star ?? null) },
  ]);
}

const FIRST: Row[] = [
  { image: 'a.jpg', id: '1', score: 0.1, star: 2 },
  { image: 'b.jpg', id: '2', score: 0.2 },
  { image: 'c.jpg', id: '3', score: 0.3 },
];
/** b.jpg gone, c.jpg renamed to d.jpg (same id), a new e.jpg, a's score and star changed. */
const SECOND: Row[] = [
  { image: 'a.jpg', id: '1', score: 0.9, star: 5 },
  { image: 'd.jpg', id: '3', score: 0.3 },
  { image: 'e.jpg', id: '5', score: 0.5 },
];

/** A table whose file is rewritten under a source that watches it (issue 16). */
describe('table reload', () => {
  const dirs: string[] = [];
  const sources: ParquetSource[] = [];
  afterEach(async () => {
    for (const s of sources.splice(0)) await s.close();
    for (const d of dirs.splice(0)) removeDir(d);
  });

  async function served(rows: Row[]) {
    const dir = makeTempDir();
    dirs.push(dir);
    for (const name of ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg', 'e.jpg']) writeFileSync(path.join(dir, name), `bytes of ${name}`);
    const file = path.join(dir, 'items.parquet');
    writeTable(file, rows);
    const source = await ParquetSource.open(file, { dimensionsFile: null });
    sources.push(source);
    source.start();
    await source.whenIdle();
    const changes: DatasetChange[] = [];
    source.onChange((change) => changes.push(change));
    const log: string[] = [];
    return { dir, file, source, changes, log };
  }

  function expectSecond(source: ParquetSource, catalog: ParquetSource['catalog']): void {
    expect(source.catalog).toBe(catalog); // routes hold this very object
    expect(catalog.aliveCount).toBe(3);
    expect(catalog.idOf('/b.jpg')).toBeUndefined();
    expect(catalog.idOf('/c.jpg')).toBeUndefined();
    const score = catalog.metrics.get('score')!;
    expect(score[catalog.idOf('/a.jpg')!]).toBe(0.9);
    expect(score[catalog.idOf('/d.jpg')!]).toBe(0.3);
    expect(score[catalog.idOf('/e.jpg')!]).toBe(0.5);
    expect([...source.identities()!].sort()).toEqual([
      ['/a.jpg', '1'],
      ['/d.jpg', '3'],
      ['/e.jpg', '5'],
    ]);
    expect([...source.labelSeeds()]).toEqual([{ path: '/a.jpg', tags: [], star: 5, flag: null, notes: '' }]);
  }

  it('TB3 TB4 reloads a table replaced by an atomic rename within 2 s, into the same catalog', async () => {
    const { dir, file, source, changes, log } = await served(FIRST);
    const catalog = source.catalog;
    const idOfA = catalog.idOf('/a.jpg')!;
    const addedOfA = catalog.added[idOfA];
    source.learnDimensions(idOfA, 7, 9);
    expect(await source.watch({ log: (line) => log.push(line) })).toEqual({ kind: 'watching' });
    const temp = path.join(dir, '.items.parquet.tmp');
    writeTable(temp, SECOND);
    const started = Date.now();
    renameSync(temp, file);
    await vi.waitFor(() => expect(changes).toHaveLength(1), { timeout: 5_000, interval: 20 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(changes[0]).toEqual({ added: ['/d.jpg', '/e.jpg'], removed: ['/b.jpg', '/c.jpg'], changed: [] });
    expectSecond(source, catalog);
    expect(catalog.idOf('/a.jpg')).toBe(idOfA); // kept paths keep their ids, what was learned about
    expect([catalog.width[idOfA], catalog.height[idOfA], catalog.added[idOfA]]).toEqual([7, 9, addedOfA]); // the same bytes, and when they came
    // Thumbnails and files still work for old and new rows.
    await expect(source.openItem(catalog.idOf('/e.jpg')!)).resolves.toMatchObject({ kind: 'file', absPath: path.join(dir, 'e.jpg') });
    await expect(source.openItem(idOfA)).resolves.toMatchObject({ kind: 'file' });
    expect(log).toEqual([]);
  });

  it('TB3 reloads a table rewritten in place within 2 s', async () => {
    const { file, source, changes, log } = await served(FIRST);
    const catalog = source.catalog;
    await source.watch({ log: (line) => log.push(line) });
    const started = Date.now();
    writeTable(file, SECOND);
    await vi.waitFor(() => expect(changes).toHaveLength(1), { timeout: 5_000, interval: 20 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expectSecond(source, catalog);
  });

  it('TB3 reloads a table rewritten while it loaded, before the watch began (the watch starts once the load is done)', async () => {
    const { file, source, changes, log } = await served(FIRST);
    const catalog = source.catalog;
    // The same size, a later mtime: only the signature tells.
    writeTable(file, SECOND);
    await source.watch({ log: (line) => log.push(line) });
    await vi.waitFor(() => expect(changes).toHaveLength(1), { timeout: 5_000, interval: 20 });
    expectSecond(source, catalog);
  });

  it('TB5 keeps serving the old rows when the new file is broken, logs one line, and takes the next good version', async () => {
    const { file, source, changes, log } = await served(FIRST);
    await source.watch({ log: (line) => log.push(line) });
    writeFileSync(file, 'PAR1 half a table');
    await vi.waitFor(() => expect(log).toHaveLength(1), { timeout: 5_000, interval: 20 });
    expect(log[0]).toMatch(/items\.parquet .*previous version/);
    expect(source.catalog.aliveCount).toBe(3);
    expect(source.catalog.idOf('/b.jpg')).toBeDefined();
    expect(changes).toEqual([]);
    writeTable(file, SECOND);
    await vi.waitFor(() => expect(changes).toHaveLength(1), { timeout: 5_000, interval: 20 });
    expectSecond(source, source.catalog);
    expect(log).toHaveLength(1);
  });

  it('TB4 TB6 reports a row whose source changed as changed, and refresh reloads the table', async () => {
    const { dir, source: first } = await served(FIRST);
    const file = path.join(dir, 'paths.parquet');
    const table = (sources: string[]) =>
      writeParquet(file, [
        { name: 'image', type: 'STRING', data: sources },
        { name: 'path', type: 'STRING', data: ['a.jpg', 'b.jpg', 'c.jpg'] },
      ]);
    table(['a.jpg', 'b.jpg', 'c.jpg']);
    await first.close();
    const source = await ParquetSource.open(file, { dimensionsFile: null, sourceColumn: 'image', pathColumn: 'path' });
    sources.push(source);
    source.start();
    await source.whenIdle();
    const changes: DatasetChange[] = [];
    source.onChange((change) => changes.push(change));
    table(['a.jpg', 'b.jpg', 'd.jpg']);
    expect(await source.refresh('/')).toEqual({ path: '/', added: 0, updated: 1, removed: 0 });
    expect(changes).toEqual([{ added: [], removed: [], changed: ['/c.jpg'] }]);
    expect(source.catalog.sources[source.catalog.idOf('/c.jpg')!]).toBe('d.jpg');
    expect(await source.refresh('/')).toEqual({ path: '/', added: 0, updated: 0, removed: 0 });
  });

  it('TB4 drops metric columns and the id column the new table no longer has', async () => {
    const { file, source } = await served(FIRST);
    writeParquet(file, [{ name: 'image', type: 'STRING', data: ['a.jpg'] }]);
    expect(await source.refresh('/')).toEqual({ path: '/', added: 0, updated: 0, removed: 2 });
    expect(source.catalog.metrics.size).toBe(0);
    expect(source.identities()).toBeNull();
    expect([...source.labelSeeds()]).toEqual([]);
  });
});
