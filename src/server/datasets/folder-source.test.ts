import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test/factories/image-tree.js';
import { runDatasetSourceContract } from './dataset-source.contract.js';
import { FolderOpenError, FolderSource } from './folder-source.js';

runDatasetSourceContract('FolderSource', async (dir) => ({ source: await FolderSource.open(dir), seesChanges: true }));

describe('FolderSource.open', () => {
  it('refuses a missing folder and a file', async () => {
    const dir = makeTempDir();
    try {
      await expect(FolderSource.open(join(dir, 'nope'))).rejects.toBeInstanceOf(FolderOpenError);
      writeFileSync(join(dir, 'file.jpg'), 'x');
      await expect(FolderSource.open(join(dir, 'file.jpg'))).rejects.toThrow(/not a folder/);
    } finally {
      removeDir(dir);
    }
  });
});
