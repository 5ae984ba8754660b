import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import type { DatasetChange } from '../../src/server/datasets/dataset-source.js';
import { ParquetSource } from '../../src/server/datasets/parquet-source.js';
import { makeTempDir, removeDir } from '../factories/image-tree.js';
import { writeParquet } from './parquet-fixtures.js';

// The kernel's watch limit, as @parcel/watcher reports it.
vi.mock('@parcel/watcher', () => ({
  default: {
    subscribe: async () => {
      throw new Error("inotify_add_watch on '/x' failed: No space left on device");
    },
  },
}));

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

it('TB3 falls back to checking the table file periodically when it cannot be watched, saying so in one line', async () => {
  const dir = makeTempDir();
  dirs.push(dir);
  const file = path.join(dir, 'items.parquet');
  writeParquet(file, [{ name: 'image', type: 'STRING', data: ['a.jpg'] }]);
  const source = await ParquetSource.open(file, { dimensionsFile: null });
  try {
    source.start();
    await source.whenIdle();
    const changes: DatasetChange[] = [];
    source.onChange((change) => changes.push(change));
    const log: string[] = [];
    const status = await source.watch({ log: (line) => log.push(line), rescanMs: 200 });
    expect(status).toMatchObject({ kind: 'rescanning', reason: expect.stringMatching(/No space left/) });
    expect(log).toEqual([expect.stringMatching(/^cannot watch the table file \(.*No space left.*\); checking it every/)]);
    writeParquet(file, [{ name: 'image', type: 'STRING', data: ['a.jpg', 'b.jpg'] }]);
    await vi.waitFor(() => expect(changes).toEqual([{ added: ['/b.jpg'], removed: [], changed: [] }]), { timeout: 5_000, interval: 20 });
    expect(log).toHaveLength(1);
  } finally {
    await source.close();
  }
});
