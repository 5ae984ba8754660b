import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeImage, makeTempDir, removeDir } from '../../../test/factories/image-tree.js';
import { Catalog } from '../catalog/catalog.js';
import type { ItemBytes } from '../datasets/dataset-source.js';
import { ThumbnailService } from '../media/thumbnail-service.js';
import { hashImage } from '../media/thumbnailer.js';
import { resolveWorkspace } from '../workspace.js';
import { PerceptualHashes } from './perceptual-hashes.js';
import { PhashStore } from './phash-store.js';

const SPEC = { size: 64, quality: 50 };
let dir: string;

beforeAll(async () => {
  dir = makeTempDir();
  writeFileSync(join(dir, 'a.png'), await encodeImage('png', { w: 80, h: 60, color: { r: 10, g: 200, b: 90 } }));
  writeFileSync(join(dir, 'b.png'), await encodeImage('png', { w: 80, h: 60 }));
});
afterAll(() => removeDir(dir));

/** Item a.png is a local file; item `/remote.jpg` lives elsewhere (its bytes are never fetched here). */
function setup() {
  const catalog = new Catalog();
  catalog.upsert({ path: '/a.png', type: 'image/png', size: 10, addedMs: 5 });
  catalog.upsert({ path: '/remote.jpg', type: 'image/jpeg', size: 10, addedMs: 5 });
  let decodes = 0;
  const source = {
    catalog,
    async openItem(id: number): Promise<ItemBytes> {
      if (catalog.paths[id] === '/remote.jpg') return { kind: 'remote', url: 'http://example.invalid/r.jpg', size: undefined, mtimeMs: undefined, etag: undefined, read: async () => Buffer.alloc(0) };
      return { kind: 'file', absPath: join(dir, catalog.paths[id]!), size: 10, mtimeMs: 5 };
    },
  };
  const hashes = new PerceptualHashes({
    source,
    store: new PhashStore(null),
    hash: (absPath) => {
      decodes++;
      return hashImage(absPath, SPEC);
    },
  });
  return { catalog, source, hashes, decodes: () => decodes };
}

describe('PerceptualHashes', () => {
  it('[DU1] a thumbnail made for an item without a hash brings the hash from its own decode; the background pass then skips it', async () => {
    const { source, hashes, decodes } = setup();
    const workspace = resolveWorkspace({ kind: 'folder', path: dir }, { noWrite: true });
    const thumbs = new ThumbnailService(source, workspace, { ...SPEC, diskCache: false, memoryBytes: 1 << 20, concurrency: 1 });
    thumbs.shareDecodesWith(hashes);
    try {
      await thumbs.get(0);
      expect(hashes.hashOf(0)).toBe(await hashImage(join(dir, 'a.png'), SPEC));
      expect(hashes.stats.fromThumbnails).toBe(1);
      hashes.start();
      await hashes.whenHashed();
      expect(decodes()).toBe(0);
      // Hashed already: the next thumbnail of it is made the plain way.
      expect(hashes.wants(0)).toBeUndefined();
    } finally {
      await hashes.close();
      workspace.dispose();
    }
  });

  it('[DU2] remote items are not fetched for a hash: counted as done, and hashed by their first thumbnail', async () => {
    const { hashes, decodes } = setup();
    hashes.start();
    await hashes.whenHashed();
    expect(decodes()).toBe(1);
    expect(hashes.has(0)).toBe(true);
    expect(hashes.has(1)).toBe(false);
    expect(hashes.progress()).toEqual({ state: 'done', done: 2, total: 2 });
    const hashTo = hashes.wants(1);
    expect(hashTo).toBeTypeOf('function');
    hashTo!(42n);
    expect(hashes.hashOf(1)).toBe(42n);
    await hashes.close();
  });

  it('[DU6] a hash of bytes the catalog no longer describes is dropped', async () => {
    const { catalog, hashes } = setup();
    const hashTo = hashes.wants(0)!;
    catalog.upsert({ path: '/a.png', type: 'image/png', size: 11, addedMs: 6 });
    hashTo(7n);
    expect(hashes.has(0)).toBe(false);
    await hashes.close();
  });
});
