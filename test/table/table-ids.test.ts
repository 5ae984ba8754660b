import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { idColumnLine } from '../../src/server/datasets/parquet-dataset.js';
import { ParquetSource, TableOpenError } from '../../src/server/datasets/parquet-source.js';
import { tableFromRows } from '../../src/server/datasets/parquet-rows.js';
import { makeTempDir, removeDir } from '../factories/image-tree.js';
import { type FixtureColumn, writeParquet } from './parquet-fixtures.js';

/** Table mode's id column (issue 16): which column, how ids read, which rows have none. */
describe('table id column', () => {
  const dirs: string[] = [];
  const sources: ParquetSource[] = [];
  afterEach(async () => {
    for (const s of sources.splice(0)) await s.close();
    for (const d of dirs.splice(0)) removeDir(d);
  });

  async function open(columns: FixtureColumn[], idColumn?: string): Promise<ParquetSource> {
    const dir = makeTempDir();
    dirs.push(dir);
    const file = path.join(dir, 'items.parquet');
    writeParquet(file, columns);
    const source = await ParquetSource.open(file, { dimensionsFile: null, idColumn });
    sources.push(source);
    source.start();
    await source.whenIdle();
    return source;
  }

  const images = { name: 'image', type: 'STRING', data: ['a.jpg', 'b.jpg', 'c.jpg'] } as const;

  it('TB1 takes the first column named id, image_id, uuid or sha256, reads numbers as decimal text, and keeps it out of the metrics', async () => {
    const source = await open([
      { ...images, data: [...images.data] },
      { name: 'ID', type: 'STRING', data: ['x', 'y', 'z'] }, // names are case-sensitive
      { name: 'image_id', type: 'INT64', data: [1, 2n ** 60n + 1n, 3] },
      { name: 'sha256', type: 'STRING', data: ['h1', 'h2', 'h3'] },
      { name: 'score', type: 'DOUBLE', data: [0.1, 0.2, 0.3] },
    ]);
    expect(source.loadReport().idColumn).toEqual({ name: 'image_id', given: false, missing: 0, duplicated: 0 });
    expect([...source.identities()!]).toEqual([
      ['/a.jpg', '1'],
      ['/b.jpg', String(2n ** 60n + 1n)],
      ['/c.jpg', '3'],
    ]);
    expect([...source.catalog.metrics.keys()]).toEqual(['score']);
  });

  it('TB1 uses the column --id-column names, and refuses one the table does not have in one line', async () => {
    const columns: FixtureColumn[] = [
      { ...images, data: [...images.data] },
      { name: 'id', type: 'STRING', data: ['1', '2', '3'] },
      { name: 'key', type: 'STRING', data: ['k1', 'k2', 'k3'] },
    ];
    const source = await open(columns, 'key');
    expect(source.loadReport().idColumn).toMatchObject({ name: 'key', given: true });
    expect([...source.identities()!].map(([, id]) => id)).toEqual(['k1', 'k2', 'k3']);
    const failure = open(columns, 'nope');
    await expect(failure).rejects.toThrow(TableOpenError);
    await expect(failure).rejects.toThrow(/^id column "nope" is not in the table \(columns: image, id, key\)$/);
  });

  it('TB2 leaves rows with an empty or repeated id without an identity (the first row keeps it) and counts them', async () => {
    const source = await open([
      { name: 'image', type: 'STRING', data: ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg', 'e.jpg'] },
      { name: 'uuid', type: 'STRING', data: ['u1', '', null, 'u1', 'u2'] },
    ]);
    expect(source.loadReport().idColumn).toMatchObject({ name: 'uuid', missing: 2, duplicated: 1 });
    expect([...source.identities()!]).toEqual([
      ['/a.jpg', 'u1'],
      ['/e.jpg', 'u2'],
    ]);
    expect(source.catalog.aliveCount).toBe(5); // rows without an identity are still served
    expect(idColumnLine(source.loadReport())).toBe(
      'Labels follow the id column "uuid" (found by its name; --id-column picks another); 3 row(s) have no usable id (2 empty, 1 repeated) and are keyed by path only.',
    );
  });

  it('TB2 has no identities without an id column', async () => {
    const source = await open([{ ...images, data: [...images.data] }]);
    expect(source.loadReport().idColumn).toBeUndefined();
    expect(idColumnLine(source.loadReport())).toBeUndefined();
    expect(source.identities()).toBeNull();
  });

  it('TB2 reads byte ids as hex', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const table = tableFromRows([
      { image: 'a.jpg', sha256: new Uint8Array([0, 1, 0xab]) },
      { image: 'b.jpg', sha256: new Uint8Array([0xff]) },
    ]);
    const source = await ParquetSource.fromTable(table, { root: path.join(dir, 'rows'), baseDir: dir });
    sources.push(source);
    source.start();
    await source.whenIdle();
    expect([...source.identities()!]).toEqual([
      ['/a.jpg', '0001ab'],
      ['/b.jpg', 'ff'],
    ]);
  });
});
