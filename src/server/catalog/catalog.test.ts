import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';

describe('Catalog.removeMany', () => {
  it('tombstones items, fixes subtree counts and folder item lists in one pass', () => {
    const c = new Catalog();
    const ids = Array.from({ length: 50_000 }, (_, i) => c.upsert({ path: `/flat/${i}.jpg`, type: 'image/jpeg' }));
    c.upsert({ path: '/other/x.jpg', type: 'image/jpeg' });
    const items = c.dirOfPath('/flat')!.items;
    const generation = c.generation;
    const started = performance.now();
    c.removeMany(ids.filter((id) => id % 2 === 0));
    expect(performance.now() - started).toBeLessThan(500); // one remove() per id would be quadratic
    expect(c.aliveCount).toBe(25_001);
    expect(c.dirOfPath('/flat')!.count).toBe(25_000);
    expect(c.dirs[0]!.count).toBe(25_001);
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
