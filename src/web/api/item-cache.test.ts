import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../protocol/items.js';
import { findCachedItem, patchItemInCache } from './item-cache.js';
import { queryKeys, type ListingKey } from './query-keys.js';

const item = (path: string, extra: Partial<Item> = {}): Item => ({
  path,
  name: path.slice(path.lastIndexOf('/') + 1),
  type: 'image/jpeg',
  w: 10,
  h: 10,
  size: 100,
  added_at: '2026-01-01T00:00:00Z',
  star: null, flag: null,
  tags: [],
  notes: '',
  version: 1,
  ...extra,
});

const byName: ListingKey = { path: '/a', sort: 'name', order: 'asc', seed: 1 };
const byDate: ListingKey = { path: '/a', sort: 'added', order: 'desc', seed: 1 };
const page = (items: Item[]) => ({ path: '/a', dirs: [], items, total: 3, offset: 0, limit: 500 });

describe('patchItemInCache', () => {
  it('patches the item in every window and search result that holds it, and nothing else', () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.window(byName, 0), page([item('/a/1.jpg'), item('/a/2.jpg')]));
    qc.setQueryData(queryKeys.window(byDate, 0), page([item('/a/2.jpg'), item('/a/1.jpg')]));
    qc.setQueryData(queryKeys.search('/', 'x'), { items: [item('/a/2.jpg')], total: 1 });
    const untouched = page([item('/a/3.jpg')]);
    qc.setQueryData(queryKeys.window(byName, 500), untouched);
    qc.setQueryData(queryKeys.health, { ok: true });

    const changed = patchItemInCache(qc, '/a/2.jpg', { star: 4, flag: null, tags: ['red'], version: 2 });

    expect(changed).toBe(3);
    expect(qc.getQueryData<{ items: Item[] }>(queryKeys.window(byName, 0))!.items[1]).toMatchObject({ star: 4, tags: ['red'], version: 2, name: '2.jpg' });
    expect(qc.getQueryData<{ items: Item[] }>(queryKeys.window(byDate, 0))!.items[0]!.star).toBe(4);
    expect(qc.getQueryData<{ items: Item[] }>(queryKeys.search('/', 'x'))!.items[0]!.star).toBe(4);
    expect(qc.getQueryData(queryKeys.window(byName, 500))).toBe(untouched);
    expect(findCachedItem(qc, '/a/2.jpg')?.version).toBe(2);
  });

  it('keeps page identity when the patch changes nothing', () => {
    const qc = new QueryClient();
    const p = page([item('/a/1.jpg', { star: 3, flag: null })]);
    qc.setQueryData(queryKeys.window(byName, 0), p);
    expect(patchItemInCache(qc, '/a/1.jpg', { star: 3, flag: null })).toBe(0);
    expect(qc.getQueryData(queryKeys.window(byName, 0))).toBe(p);
    expect(patchItemInCache(qc, '/nope.jpg', { star: 1, flag: null })).toBe(0);
  });
});
