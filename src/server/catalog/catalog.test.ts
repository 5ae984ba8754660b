import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';

describe('Catalog.removeMany', () => {
  it('tombstones items, fixes subtree counts and folder item lists in one pass', () => {
    const c = new Catalog();
    const ids = Array.from({ length: 5_000 }, (_, i) => c.upsert({ path: `/flat/${i}.jpg`, type: 'image/jpeg' }));
    c.upsert({ path: '/other/x.jpg', type: 'image/jpeg' });
    const flat = c.dirOfPath('/flat')!;
    // Count element reads of the folder's item list: one pass reads each element about once,
    // where a remove() per id (indexOf + splice) would read it thousands of times.
    let reads = 0;
    const items = new Proxy(flat.items, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    flat.items = items;
    const generation = c.generation;
    c.removeMany(ids.filter((id) => id % 2 === 0));
    expect(reads).toBeLessThanOrEqual(5_000);
    expect(c.aliveCount).toBe(2_501);
    expect(flat.count).toBe(2_500);
    expect(c.dirs[0]!.count).toBe(2_501);
    expect(c.dirOfPath('/flat')!.items).toBe(items); // compacted in place
    expect(items.every((id) => id % 2 === 1)).toBe(true);
    expect(c.idOf('/flat/0.jpg')).toBeUndefined();
    expect(c.generation).toBeGreaterThan(generation);
  });

  it('ignores ids already removed', () => {
    const c = new Catalog();
    const id = c.upsert({ path: '/a.jpg', type: 'image/jpeg' });
    c.remove(id);
    const generation = c.generation;
    c.removeMany([id]);
    expect(c.aliveCount).toBe(0);
    expect(c.generation).toBe(generation);
  });
});
