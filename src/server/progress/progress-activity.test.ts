import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import { ChangeFeed } from '../events/change-feed.js';
import { LabelService } from '../labels/label-service.js';
import { MemoryLabelStore } from '../labels/memory-label-store.js';
import { QueryEngine } from '../query/query-engine.js';
import { ProgressService } from './progress-service.js';
import { SqliteDocumentBackend } from './sqlite-document-backend.js';

const PATHS = ['/a/1.jpg', '/a/2.jpg', '/a/b/1.jpg', '/c/1.jpg'];

describe('ProgressService.activity', () => {
  it('[PR12] lists the log read at start and the writes made while it was read, in id order, each once', async () => {
    const catalog = new Catalog();
    for (const path of PATHS) catalog.insertNew({ path, type: 'image/jpeg', w: 2, h: 2 });
    const feed = new ChangeFeed();
    const labels = await LabelService.open({ store: new MemoryLabelStore(), feed, itemExists: (p) => catalog.idOf(p) !== undefined });
    const write = async (path: string, star: number, actor: string) => {
      const base = (await labels.getMany([path]))[0]!.version;
      await labels.patchItem(path, { set_star: star }, base, { key: `${actor}-${path}-${star}`, actor });
    };
    // Before the service opens: in the log only.
    await write('/a/1.jpg', 1, 'old');
    await write('/a/b/1.jpg', 2, 'old');
    await write('/c/1.jpg', 3, 'old');
    let indexed = () => {};
    const query = new QueryEngine({ catalog, labels, labelRevision: () => labels.revision });
    const progress = await ProgressService.open({
      labels,
      feed,
      catalog,
      query,
      views: { find: () => undefined, version: 1 },
      backend: new SqliteDocumentBackend(null),
      indexed: () => new Promise<void>((resolve) => (indexed = resolve)),
    });
    // While the start waits (indexing, then the log's read): live writes and a move.
    await write('/a/2.jpg', 4, 'live');
    await labels.moveItems([{ from: '/c/1.jpg', to: '/a/3.jpg' }], 'watcher');
    catalog.insertNew({ path: '/a/3.jpg', type: 'image/jpeg', w: 2, h: 2 });
    const page = progress.activity({ path: '/a', recursive: true, before: null, limit: 50 });
    indexed();
    const { entries, next_before } = await page;
    expect(entries.map((e) => `${e.user} ${e.kind} ${e.path}`)).toEqual(['watcher moved /a/3.jpg', 'live updated /a/2.jpg', 'old updated /a/b/1.jpg', 'old updated /a/1.jpg']);
    expect(next_before).toBeNull();
    await write('/a/1.jpg', 5, 'after');
    const flat = await progress.activity({ path: '/a', recursive: false, before: null, limit: 2 });
    expect(flat.entries.map((e) => e.user)).toEqual(['after', 'watcher']);
    expect(flat.next_before).toBe(flat.entries[1]!.id);
    expect((await progress.activity({ path: '/c', recursive: true, before: null, limit: 50 })).entries.map((e) => e.kind)).toEqual(['moved', 'updated']);
    await progress.close();
    await labels.close();
  });
});
