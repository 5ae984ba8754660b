import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test/factories/image-tree.js';
import { writeParquet } from '../../../test/table/parquet-fixtures.js';
import { CONTRACT_IMAGES, runDatasetSourceContract } from './dataset-source.contract.js';
import { ParquetSource, TableOpenError } from './parquet-source.js';

/** A table beside the contract's images: one row per image, with its dimensions. */
function contractTable(dir: string): string {
  const entries = Object.entries(CONTRACT_IMAGES);
  const file = join(dir, 'items.parquet');
  writeParquet(file, [
    { name: 'image', type: 'STRING', data: entries.map(([p]) => p.slice(1)) },
    { name: 'width', type: 'INT32', data: entries.map(([, [w]]) => w) },
    { name: 'height', type: 'INT32', data: entries.map(([, [, h]]) => h) },
  ]);
  return file;
}

runDatasetSourceContract('ParquetSource', async (dir) => ({
  source: await ParquetSource.open(contractTable(dir), { dimensionsFile: null }),
  seesChanges: { reason: 'a table changes only with its file, not its images (TB3-TB6: test/table/table-reload.test.ts)' },
}));

describe('ParquetSource.open', () => {
  it('refuses a missing table and a file that is not Parquet', async () => {
    const dir = makeTempDir();
    try {
      await expect(ParquetSource.open(join(dir, 'nope.parquet'))).rejects.toThrow(/table not found/);
      writeFileSync(join(dir, 'text.parquet'), 'not a table');
      await expect(ParquetSource.open(join(dir, 'text.parquet'))).rejects.toThrow(TableOpenError);
      await expect(ParquetSource.open(join(dir, 'text.parquet'))).rejects.toThrow(/not a readable Parquet file/);
    } finally {
      removeDir(dir);
    }
  });
});
