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

describe('Catalog path lookups', () => {
  it('answers idOf for alive items only; upsert revives a removed path under its old id, insertNew refuses it', () => {
    const c = new Catalog();
    const a = c.insertNew({ path: '/d/a.jpg', type: 'image/jpeg' });
    expect(c.insertNew({ path: '/d/a.jpg', type: 'image/png' })).toBe(-1);
    expect(c.idOf('/d/a.jpg')).toBe(a);
    c.remove(a);
    expect(c.idOf('/d/a.jpg')).toBeUndefined();
    expect(c.insertNew({ path: '/d/a.jpg', type: 'image/jpeg' })).toBe(-1);
    expect(c.upsert({ path: '/d/a.jpg', type: 'image/png', size: 9 })).toBe(a);
    expect(c.idOf('/d/a.jpg')).toBe(a);
    expect(c.typeOf(a)).toBe('image/png');
    expect(c.dirOfPath('/d')!.items).toEqual([a]);
    expect(c.size).toBe(1);
  });

  it('files items under their folders, made on first use, whatever order the rows come in', () => {
    const c = new Catalog();
    const paths = ['/top.jpg', '/x/y/z/deep.jpg', '/x/one.jpg', '/x/y/two.jpg', '/x/y/z/three.jpg', '/w/y/z/other.jpg', '/x/four.jpg'];
    const ids = paths.map((path) => c.insertNew({ path, type: 'image/jpeg' }));
    expect(c.dirs.map((d) => d.path)).toEqual(['/', '/x', '/x/y', '/x/y/z', '/w', '/w/y', '/w/y/z']);
    expect(c.dirs[c.dirOf[ids[0]!]!]!.path).toBe('/');
    for (const [i, path] of paths.entries()) expect(c.dirs[c.dirOf[ids[i]!]!]!.path).toBe(path.slice(0, path.lastIndexOf('/')) || '/');
    expect(c.dirOfPath('/x')!.count).toBe(5);
    expect(c.dirOfPath('/x/y/z')!.items).toEqual([ids[1], ids[4]]);
    expect(c.dirOfPath('/x/y/z/deep.jpg')).toBeUndefined();
    expect(c.ensureDir('/x/y')).toBe(c.dirOfPath('/x/y')!.id);
    expect(c.dirs[0]!.count).toBe(paths.length);
  });

  it('alternating folders, as a sharded table lists its rows, land in the right folder', () => {
    const c = new Catalog();
    c.reserve(20_000);
    for (let i = 0; i < 20_000; i++) c.insertNew({ path: `/shard_${i % 100}/img_${i}.jpg`, type: 'image/jpeg' });
    expect(c.dirs.length).toBe(101);
    expect(c.dirOfPath('/shard_7')!.items.map((id) => c.paths[id])).toEqual(Array.from({ length: 200 }, (_, k) => `/shard_7/img_${7 + 100 * k}.jpg`));
    expect(c.idOf('/shard_99/img_19999.jpg')).toBe(19_999);
  });
});

describe('Catalog.reserve', () => {
  it('sizes every column for exactly the rows asked, then grows by doubling past them', () => {
    const c = new Catalog();
    c.setMetricColumn('score', new Float64Array([0.5]));
    c.reserve(3_000);
    expect(c.width.length).toBe(3_000);
    expect(c.metrics.get('score')!.length).toBe(3_000);
    expect(c.metrics.get('score')![0]).toBe(0.5);
    for (let i = 0; i < 3_001; i++) c.insertNew({ path: `/r/${i}.jpg`, type: 'image/jpeg', w: i });
    expect(c.width.length).toBe(6_000);
    expect(c.width[3_000]).toBe(3_000);
    expect(c.idOf('/r/2999.jpg')).toBe(2_999);
    c.reserve(10);
    expect(c.width.length).toBe(6_000);
  });
  it('shares the fact columns of an empty catalog; an insert leaves the facts its entry does not give', () => {
    const c = new Catalog();
    c.reserve(4);
    c.shareFacts();
    expect(c.width.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(c.added.buffer).toBeInstanceOf(SharedArrayBuffer);
    // What a loader's worker wrote into the slots stays; what the entry gives is written.
    c.width[0] = 640;
    c.bytes[0] = 99;
    c.added[1] = 5;
    c.insertNew({ path: '/a.jpg', type: 'image/jpeg', h: 480 });
    c.insertNew({ path: '/b.jpg', type: 'image/jpeg', addedMs: 7 });
    expect([c.width[0], c.height[0], c.bytes[0], c.added[1]]).toEqual([640, 480, 99, 7]);
    expect(() => c.shareFacts()).toThrow();
    const capacity = c.width.length;
    for (let i = c.size; i <= capacity; i++) c.insertNew({ path: `/r/${i}.jpg`, type: 'image/jpeg' });
    expect(c.width.buffer).toBeInstanceOf(ArrayBuffer); // grown: ordinary arrays again
    expect(c.width[0]).toBe(640);
  });
  it('shares the fact columns first and sizes the others after; paths are sized apart, keeping what they hold', () => {
    const c = new Catalog();
    c.shareFacts(5_000);
    c.reserve(5_000);
    expect([c.width.length, c.added.length, c.alive.length, c.dirOf.length]).toEqual([5_000, 5_000, 5_000, 5_000]);
    expect(c.added.buffer).toBeInstanceOf(SharedArrayBuffer);
    c.insertNew({ path: '/a.jpg', type: 'image/jpeg' });
    expect(c.paths.length).toBe(1);
    c.reservePaths(5_000);
    expect(c.paths.length).toBe(5_000);
    expect(c.paths[0]).toBe('/a.jpg');
    for (let i = 1; i < 5_001; i++) c.insertNew({ path: `/r/${i}.jpg`, type: 'image/jpeg', w: i });
    expect(c.width.length).toBe(10_000);
    expect(c.alive.length).toBe(10_000);
    expect(c.idOf('/r/5000.jpg')).toBe(5_000);
  });
});
