import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.js';
import { SortedOrders } from './sorted-orders.js';

function catalog(): Catalog {
  const c = new Catalog();
  const add = (path: string, addedMs: number) => c.upsert({ path, type: 'image/jpeg', addedMs });
  add('/img10.jpg', 3);
  add('/img2.jpg', 1);
  add('/Img1.jpg', 2);
  add('/sub/img3.jpg', 0);
  return c;
}

describe('SortedOrders', () => {
  it('sorts names naturally and case-insensitively, recursive or not', () => {
    const c = catalog();
    const orders = new SortedOrders(c);
    const names = (ids: Int32Array) => Array.from(ids, (id) => c.paths[id]);
    expect(names(orders.get({ dirId: 0, recursive: false, sort: 'name', order: 'asc', seed: 0 }))).toEqual(['/Img1.jpg', '/img2.jpg', '/img10.jpg']);
    expect(names(orders.get({ dirId: 0, recursive: true, sort: 'added', order: 'desc', seed: 0 }))).toEqual(['/img10.jpg', '/Img1.jpg', '/img2.jpg', '/sub/img3.jpg']);
  });

  it('reuses the cached order until the catalog generation moves', () => {
    const c = catalog();
    const orders = new SortedOrders(c);
    const key = { dirId: 0, recursive: true, sort: 'random' as const, order: 'asc' as const, seed: 5 };
    const first = orders.get(key);
    expect(orders.get(key)).toBe(first);
    c.upsert({ path: '/new.jpg', type: 'image/jpeg' });
    const second = orders.get(key);
    expect(second).not.toBe(first);
    expect(second.length).toBe(5);
  });

  it('may reuse a slightly stale order while indexing keeps changing the catalog', () => {
    const c = catalog();
    const orders = new SortedOrders(c);
    const key = { dirId: 0, recursive: true, sort: 'name' as const, order: 'asc' as const, seed: 0 };
    const first = orders.get(key, 60_000);
    c.upsert({ path: '/new.jpg', type: 'image/jpeg' });
    expect(orders.get(key, 60_000)).toBe(first);
    expect(orders.get(key, 0)).not.toBe(first);
  });

  it('warms name keys in the background, so a later sort finds them computed', async () => {
    const c = new Catalog();
    for (let i = 0; i < 12_000; i++) c.upsert({ path: `/d/img${i}.jpg`, type: 'image/jpeg' });
    const orders = new SortedOrders(c);
    orders.warmNameKeys();
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    const memo = (orders as unknown as { memo: { nameKeys: string[] } }).memo;
    expect(memo.nameKeys.filter(Boolean)).toHaveLength(12_000);
    const ids = orders.get({ dirId: c.dirOfPath('/d')!.id, recursive: false, sort: 'name', order: 'asc', seed: 0 });
    expect(Array.from(ids.subarray(0, 3), (id) => c.paths[id])).toEqual(['/d/img0.jpg', '/d/img1.jpg', '/d/img2.jpg']);
  });
});
