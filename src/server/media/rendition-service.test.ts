import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeImage, makeTempDir, removeDir } from '../../../test/factories/image-tree.js';
import { Catalog } from '../catalog/catalog.js';
import { resolveWorkspace } from '../workspace.js';
import type { ImageBytes } from './image-bytes.js';
import { RenditionService } from './rendition-service.js';
import { AbortedError, type ThumbnailSource } from './thumbnail-service.js';
import { renditionEdge } from './renditioner.js';

let dir: string;
beforeAll(async () => {
  dir = makeTempDir();
  for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, `${name}.jpg`), await encodeImage('jpg', { w: 2400, h: 1600 }));
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
  return { source, opens, hold: () => (gate = new Promise((r) => (open = r))), release: () => open() };
}

const options = { diskCache: false, memoryBytes: 16 << 20, concurrency: 1, quality: 70 };
const noWrite = () => resolveWorkspace({ kind: 'folder', path: dir }, { noWrite: true });

describe('renditionEdge', () => {
  it('RN2: rounds a width up to 1024, 2048 or 3072, and caps it at 3072', () => {
    expect([1, 700, 1024, 1025, 2048, 2049, 3072, 9000].map(renditionEdge)).toEqual([1024, 1024, 1024, 2048, 2048, 3072, 3072, 3072]);
  });
});

describe('RenditionService', () => {
  it('RN6: shares one generation between concurrent requests, and between widths of one edge', async () => {
    const fake = fakeSource();
    const service = new RenditionService(fake.source, noWrite(), options);
    const [one, two] = await Promise.all([service.get(0, 800), service.get(0, 1024)]);
    expect(one.body.equals(two.body)).toBe(true);
    expect(one.key).toBe(two.key);
    expect((await sharp(one.body).metadata()).width).toBe(1024);
    await service.get(0, 900);
    expect(fake.opens).toEqual(['/a.jpg']);
    const larger = await service.get(0, 1500);
    expect(larger.key).not.toBe(one.key);
    expect((await sharp(larger.body).metadata()).width).toBe(2048);
    expect(fake.opens).toEqual(['/a.jpg', '/a.jpg']);
  });

  it('RN6: runs a bounded number at once and drops queued work whose requesters all went away', async () => {
    const fake = fakeSource();
    const service = new RenditionService(fake.source, noWrite(), options);
    fake.hold();
    const first = service.get(0, 1024); // occupies the only slot
    const gone = new AbortController();
    const abandoned = service.get(1, 1024, gone.signal);
    await vi.waitFor(() => expect(fake.opens).toEqual(['/a.jpg']));
    expect(service.stats()).toMatchObject({ active: 1, queued: 1 });
    gone.abort();
    await expect(abandoned).rejects.toBeInstanceOf(AbortedError);
    fake.release();
    await first;
    expect(fake.opens).toEqual(['/a.jpg']);
  });

  it('RN5: reuses renditions from the workspace disk cache after a restart, written whole', async () => {
    const workspace = resolveWorkspace({ kind: 'folder', path: dir }, { dir: join(dir, 'ws') });
    const first = fakeSource();
    const before = await new RenditionService(first.source, workspace, { ...options, diskCache: true }).get(1, 2048);
    const file = join(workspace.thumbsDir, 'previews', before.key.slice(0, 2), before.key);
    await vi.waitFor(() => expect(existsSync(file)).toBe(true));
    expect(readFileSync(file).equals(before.body)).toBe(true);
    expect(readdirSync(dirname(file)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const second = fakeSource();
    const after = await new RenditionService(second.source, workspace, { ...options, diskCache: true }).get(1, 2048);
    expect(after.body.equals(before.body)).toBe(true);
    expect(after.type).toBe('image/jpeg');
    expect(second.opens).toEqual([]); // served from disk, not regenerated
    expect(readdirSync(dir).sort()).toEqual(['a.jpg', 'b.jpg', 'c.jpg', 'ws']); // nothing beside the sources
  });

  it('RN4: keys renditions by identity, size, mtime, edge and quality', () => {
    const fake = fakeSource();
    const service = new RenditionService(fake.source, noWrite(), options);
    const key = service.keyOf(0, 1024);
    expect(service.keyOf(0, 1000)).toBe(key);
    expect(service.keyOf(0, 2048)).not.toBe(key);
    expect(new RenditionService(fake.source, noWrite(), { ...options, quality: 90 }).keyOf(0, 1024)).not.toBe(key);
    fake.source.catalog.added[0] = 2;
    expect(service.keyOf(0, 1024)).not.toBe(key);
  });
});
