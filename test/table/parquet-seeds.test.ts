import { describe, expect, it } from 'vitest';
import { applyLabelSeeds, startTableSeeds } from '../../src/server/datasets/parquet-seeds.js';
import type { DatasetSource } from '../../src/server/datasets/dataset-source.js';
import { ChangeFeed, type FeedEvent } from '../../src/server/events/change-feed.js';
import { MAX_TAG_LENGTH, type Flag } from '../../src/protocol/items.js';
import { LabelService } from '../../src/server/labels/label-service.js';
import { MemoryLabelStore } from '../../src/server/labels/memory-label-store.js';

async function open() {
  const feed = new ChangeFeed();
  const published: FeedEvent[] = [];
  feed.subscribe((e) => published.push(e));
  const store = new MemoryLabelStore();
  const service = await LabelService.open({ store, feed, itemExists: (p) => p !== '/gone.jpg' });
  return { service, store, published };
}

describe('label seeds from a table', () => {
  it('[LV8] seeds never-labeled items at version 1 and leaves labeled ones alone, also on a second run', async () => {
    const { service, store, published } = await open();
    const edited = await service.patchItem('/b.jpg', { set_star: 1 }, 1, { key: 'user-edit', actor: 'web' });
    expect(edited.outcome).toMatchObject({ kind: 'item', result: { kind: 'applied' } });
    const head = await store.currentEventId();
    published.length = 0;
    const seeds = [
      { path: '/a.jpg', tags: ['cat'], star: 5, flag: null, notes: 'from the table' },
      { path: '/b.jpg', tags: ['dog'], star: 4, flag: null, notes: '' },
    ];
    expect(await applyLabelSeeds(service, seeds)).toEqual({ inserted: 1, kept: 1, skipped: 0 });
    expect(service.peek('/a.jpg')).toMatchObject({ tags: ['cat'], star: 5, flag: null, notes: 'from the table', version: 1 });
    expect(await service.getItem('/a.jpg')).toMatchObject({ version: 1, updated_by: 'table', updated_at: expect.any(String) });
    expect(service.peek('/b.jpg')).toMatchObject({ tags: [], star: 1, flag: null, version: 2 });
    // No durable event; one id-less resync so open browsers refetch.
    expect(await store.currentEventId()).toBe(head);
    expect(published).toEqual([{ id: null, type: 'resync', data: { reason: 'labels_seeded', last_event_id: head } }]);
    published.length = 0;
    expect(await applyLabelSeeds(service, seeds)).toEqual({ inserted: 0, kept: 2, skipped: 0 });
    expect(published).toEqual([]);
    await service.close();
  });

  it('[LV8] a patch on a seeded item keeps the seeded labels and goes to version 2', async () => {
    const { service } = await open();
    await applyLabelSeeds(service, [{ path: '/a.jpg', tags: ['cat'], star: 5, flag: null, notes: 'n' }]);
    const res = await service.patchItem('/a.jpg', { add_tags: ['pet'] }, 1, { key: 'k', actor: 'ann' });
    expect(res.outcome).toMatchObject({ kind: 'item', result: { kind: 'applied', item: { path: '/a.jpg', tags: ['cat', 'pet'], star: 5, flag: null, notes: 'n', version: 2, updated_by: 'ann' } } });
    expect(service.peek('/a.jpg')).toMatchObject({ tags: ['cat', 'pet'], version: 2 });
    await service.close();
  });

  it('[LV8] skips seeds over the limits and for unknown items, and normalises tags', async () => {
    const { service } = await open();
    const result = await applyLabelSeeds(service, [
      { path: '/long.jpg', tags: ['x'.repeat(MAX_TAG_LENGTH + 1)], star: null, flag: null, notes: '' },
      { path: '/gone.jpg', tags: ['t'], star: null, flag: null, notes: '' },
      { path: '/ok.jpg', tags: [' a ', 'a', 'b'], star: 2, flag: null, notes: '' },
    ]);
    expect(result).toEqual({ inserted: 1, kept: 0, skipped: 2 });
    expect(service.peek('/long.jpg')).toBeUndefined();
    expect(service.peek('/ok.jpg')).toMatchObject({ tags: ['a', 'b'], star: 2, flag: null, version: 1 });
    await service.close();
  });

  it('[LV8] a restarted service shows seeded rows from its store', async () => {
    const { service, store } = await open();
    await applyLabelSeeds(service, [{ path: '/a.jpg', tags: ['cat'], star: 3, flag: null, notes: '' }]);
    const again = await LabelService.open({ store, feed: new ChangeFeed(), itemExists: () => true });
    expect(again.peek('/a.jpg')).toMatchObject({ tags: ['cat'], star: 3, flag: null, version: 1 });
    await again.close();
  });

  it('[LV8] seeds from a source that carries labels once it is idle, and not at all from one without labelSeeds', async () => {
    const { service } = await open();
    const source = (labelSeeds?: () => Iterable<{ path: string; tags: string[]; star: number | null; flag: Flag; notes: string }>) =>
      ({ whenIdle: () => Promise.resolve(), ...(labelSeeds ? { labelSeeds } : {}) }) as unknown as DatasetSource;
    expect(startTableSeeds(source(), service)).toBeNull();
    const seeding = startTableSeeds(source(() => [{ path: '/a.jpg', tags: ['cat'], star: 3, flag: null, notes: '' }]), service);
    expect(await seeding?.done).toEqual({ inserted: 1, kept: 0, skipped: 0 });
    expect(service.peek('/a.jpg')).toMatchObject({ tags: ['cat'], star: 3, flag: null, version: 1 });
  });
});
