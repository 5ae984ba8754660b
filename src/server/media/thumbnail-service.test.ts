import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeImage, makeTempDir, removeDir } from '../../../test/factories/image-tree.js';
import { Catalog } from '../catalog/catalog.js';
import type { ImageBytes } from './image-bytes.js';
import { resolveWorkspace } from '../workspace.js';
import { AbortedError, ThumbnailService, type ThumbnailSource } from './thumbnail-service.js';

let dir: string;
beforeAll(async () => {
  dir = makeTempDir();
  for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, `${name}.jpg`), await encodeImage('jpg', { w: 40, h: 30 }));
});
afterAll(() => removeDir(dir));

/** A source over `dir` that counts opens and can hold them until released. */
function fakeSource() {
  const catalog = new Catalog();
  for (const name of ['a', 'b', 'c']) catalog.upsert({ path: `/${name}.jpg`, type: 'image/jpeg', size: 1, addedMs: 1 });
  const opens: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  let open!: () => void;
  const source = {
    catalog,
    async openItem(id: number): Promise<ImageBytes> {
      opens.push(catalog.paths[id]!);
      await gate;
      return { kind: 'file', absPath: join(dir, catalog.paths[id]!) };
    },
  } satisfies ThumbnailSource;
  return {
    source,
    opens,
    hold: () => (gate = new Promise((r) => (open = r))),
    release: () => open(),
  };
}

const options = { size: 16, quality: 50, diskCache: false, memoryBytes: 1 << 20, concurrency: 1 };

describe('ThumbnailService', () => {
  it('shares one generation between concurrent requests for the same image, then serves it from memory', async () => {
    const fake = fakeSource();
    const service = new ThumbnailService(fake.source, resolveWorkspace({ kind: 'folder', path: dir }, { noWrite: true }), options);
    const [one, two] = await Promise.all([service.get(0), service.get(0)]);
    expect(one.body.equals(two.body)).toBe(true);
    await service.get(0);
    expect(fake.opens).toEqual(['/a.jpg']);
    expect(service.stats().memoryItems).toBe(1);
  });

  it('drops queued work whose requesters all went away', async () => {
    const fake = fakeSource();
    const service = new ThumbnailService(fake.source, resolveWorkspace({ kind: 'folder', path: dir }, { noWrite: true }), options);
    fake.hold();
    const first = service.get(0); // occupies the only slot
    const gone = new AbortController();
    const abandoned = service.get(1, gone.signal);
    const kept = new AbortController();
    const shared = [service.get(2, kept.signal), service.get(2)];
    // The aborts must hit queued jobs: wait until the first holds the slot and the other two wait.
    await vi.waitFor(() => expect(fake.opens).toEqual(['/a.jpg']));
    expect(service.stats()).toMatchObject({ active: 1, queued: 2 });
    gone.abort();
    kept.abort(); // one of two requesters leaves: the job must still run for the other
    await expect(abandoned).rejects.toBeInstanceOf(AbortedError);
    await expect(shared[0]).rejects.toBeInstanceOf(AbortedError);
    fake.release();
    await first;
    await shared[1];
    expect(fake.opens).toEqual(['/a.jpg', '/c.jpg']);
  });

  it('reuses thumbnails from the disk cache after a restart, written whole', async () => {
    const workspace = resolveWorkspace({ kind: 'folder', path: dir }, { dir: join(dir, 'ws') });
    const first = fakeSource();
    const before = await new ThumbnailService(first.source, workspace, { ...options, diskCache: true }).get(1);
    const file = join(workspace.thumbsDir, before.key.slice(0, 2), `${before.key}.webp`);
    await vi.waitFor(() => expect(existsSync(file)).toBe(true));
    expect(readFileSync(file).equals(before.body)).toBe(true);
    expect(readdirSync(dirname(file)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const second = fakeSource();
    const after = await new ThumbnailService(second.source, workspace, { ...options, diskCache: true }).get(1);
    expect(after.body.equals(before.body)).toBe(true);
    expect(second.opens).toEqual([]); // served from disk, not regenerated
  });

  it('keys thumbnails by identity, size, mtime and settings', () => {
    const fake = fakeSource();
    const ws = resolveWorkspace({ kind: 'folder', path: dir }, { noWrite: true });
    const service = new ThumbnailService(fake.source, ws, options);
    const other = new ThumbnailService(fake.source, ws, { ...options, size: 32 });
    const key = service.keyOf(0);
    expect(other.keyOf(0)).not.toBe(key);
    fake.source.catalog.added[0] = 2;
    expect(service.keyOf(0)).not.toBe(key);
  });
});
