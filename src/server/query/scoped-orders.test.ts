import { describe, expect, it } from 'vitest';
import type { Arranged } from './arrange.js';
import { DEFAULT_SORT } from './order-book.js';
import { ScopedOrders } from './scoped-orders.js';

const key = (dirId: number, seed = 0) => ({ dirId, recursive: true, sort: { key: 'random', order: 'asc' as const, seed } });

function counting(length = 3) {
  let builds = 0;
  const build = (): Arranged => {
    builds++;
    return { ids: new Int32Array(length), valid: length };
  };
  return { build, builds: () => builds };
}

describe('ScopedOrders', () => {
  it('reuses an entry until its stamp moves', () => {
    const orders = new ScopedOrders();
    const { build, builds } = counting();
    const first = orders.get(key(0), 'g1', 0, build);
    expect(orders.get(key(0), 'g1', 0, build)).toBe(first);
    expect(orders.get(key(0), 'g2', 0, build)).not.toBe(first);
    expect(builds()).toBe(2);
  });

  it('[L8] may reuse a slightly stale entry while indexing keeps moving the stamp', () => {
    const orders = new ScopedOrders();
    const { build } = counting();
    const first = orders.get(key(0), 'g1', 60_000, build);
    expect(orders.get(key(0), 'g2', 60_000, build)).toBe(first);
    expect(orders.get(key(0), 'g3', 0, build)).not.toBe(first);
  });

  it('[L4] keys entries without the direction (one ascending list serves both) and with the seed for random', () => {
    const orders = new ScopedOrders();
    const { build, builds } = counting();
    const asc = { dirId: 1, recursive: false, sort: DEFAULT_SORT };
    orders.get(asc, 'g', 0, build);
    orders.get({ ...asc, sort: { ...DEFAULT_SORT, order: 'desc' } }, 'g', 0, build);
    orders.get({ ...asc, sort: { ...DEFAULT_SORT, seed: 9 } }, 'g', 0, build); // the seed only matters to random
    expect(builds()).toBe(1);
    orders.get(key(1, 1), 'g', 0, build);
    orders.get(key(1, 2), 'g', 0, build);
    expect(builds()).toBe(3);
  });

  it('drops the least recently used entries past 64 of them or 4M ids in all', () => {
    const orders = new ScopedOrders();
    const small = counting();
    for (let dir = 0; dir < 65; dir++) orders.get(key(dir), 'g', 0, small.build);
    orders.get(key(64), 'g', 0, small.build);
    expect(small.builds()).toBe(65);
    orders.get(key(0), 'g', 0, small.build); // the oldest was dropped
    expect(small.builds()).toBe(66);
    const big = counting(1024 * 1024);
    for (let dir = 100; dir < 105; dir++) orders.get(key(dir), 'g', 0, big.build);
    orders.get(key(104), 'g', 0, big.build);
    orders.get(key(100), 'g', 0, big.build); // only four 1M lists fit
    expect(big.builds()).toBe(6);
  });
});
