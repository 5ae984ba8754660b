import type { Catalog } from '../catalog/catalog.js';
import { hashPath, naturalKey } from './collation.js';
import { addedOrder, nameComparator, nameOrder, randomOrder, valueOrder, type SortedOrder } from './sorters.js';

/** `name`, `added`, `random` or `metric:<name>`: the same keys for every route (SPEC.md L5). */
export type SortKey = string;
export type SortDirection = 'asc' | 'desc';

export interface ListSort {
  key: SortKey;
  order: SortDirection;
  /** Only read by `random`. */
  seed: number;
}

export const DEFAULT_SORT: ListSort = { key: 'name', order: 'asc', seed: 0 };

/** Name keys are computed in slices of this many ids between other work (~3 ms each). */
const KEY_SLICE = 5000;

/**
 * The whole-catalog sorted orders, one per sort key (and seed), cached until the catalog changes.
 * Every listing (folders, queries, search) is a selection from one of these, so all routes agree
 * on the order by construction. Per-id inputs (natural name keys, path hashes) are computed once
 * per id, since an id's path never changes.
 */
export class OrderBook {
  private readonly orders = new Map<string, { stamp: string; order: SortedOrder; rank?: Int32Array }>();
  private readonly nameKeys: string[] = [];
  private keyedUpTo = 0;
  private pathHashes = new Uint32Array(0);
  private hashedUpTo = 0;

  constructor(private readonly catalog: Catalog) {}

  /** One more than the largest id handed out: the length of a per-id mask. */
  get idSpace(): number {
    return this.catalog.size;
  }

  /**
   * Computes the name keys of new ids in slices, yielding to the event loop between them, so the
   * first name order after indexing a million rows doesn't compute them all inside one request.
   * Resolves once every id known at the call has its key; `order()` then only sorts. Concurrent
   * calls share the work: each slice starts where the last one (of any caller) stopped.
   */
  async prepare(sort: Pick<ListSort, 'key'> = DEFAULT_SORT): Promise<void> {
    if (sort.key === 'random') return;
    const target = this.catalog.size;
    while (this.keyedUpTo < target) {
      this.keyNames(Math.min(target, this.keyedUpTo + KEY_SLICE));
      if (this.keyedUpTo < target) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** The ascending order of every alive id for `key`; built on first use after a catalog change. */
  order(key: SortKey, seed: number): SortedOrder {
    const isMetric = key.startsWith('metric:');
    const stamp = `${this.catalog.generation}:${isMetric ? this.catalog.metricsGeneration : ''}`;
    const cacheKey = key === 'random' ? `random:${seed}` : key;
    const hit = this.orders.get(cacheKey);
    if (hit && hit.stamp === stamp) return hit.order;
    let order: SortedOrder;
    if (key === 'name') order = nameOrder(this.catalog, this.inputs());
    else if (key === 'added') order = addedOrder(this.catalog, this.order('name', 0));
    else if (key === 'random') order = randomOrder(this.catalog, this.inputs(), seed);
    else order = valueOrder(this.catalog.metrics.get(key.slice(7)), this.order('name', 0));
    // Random orders for other seeds are dropped so a shuffling client cannot grow the cache.
    if (key === 'random') for (const k of this.orders.keys()) if (k.startsWith('random:')) this.orders.delete(k);
    this.orders.set(cacheKey, { stamp, order });
    return order;
  }

  /**
   * Each id's position in `order(key, seed)`, built on first use per order (one pass): sorting a
   * small folder by rank beats walking a 1M-id order to pick its items.
   */
  rank(key: SortKey, seed: number): Int32Array {
    const order = this.order(key, seed);
    const entry = this.orders.get(key === 'random' ? `random:${seed}` : key)!;
    if (!entry.rank) {
      const rank = new Int32Array(this.catalog.size);
      for (let i = 0; i < order.order.length; i++) rank[order.order[i]!] = i;
      entry.rank = rank;
    }
    return entry.rank;
  }

  /** L1 as a comparator over ids (for merging a few ids into an order). */
  byName(): (a: number, b: number) => number {
    this.keyNames(this.catalog.size);
    return nameComparator(this.catalog, this.nameKeys);
  }

  private inputs() {
    this.keyNames(this.catalog.size);
    this.hashPaths();
    return { nameKeys: this.nameKeys, pathHashes: this.pathHashes };
  }

  private keyNames(end: number): void {
    const keys = this.nameKeys;
    for (let id = this.keyedUpTo; id < end; id++) keys[id] = naturalKey(this.catalog.nameOf(id));
    if (end > this.keyedUpTo) this.keyedUpTo = end;
  }

  private hashPaths(): void {
    const size = this.catalog.size;
    if (this.hashedUpTo >= size) return;
    if (this.pathHashes.length < size) {
      const grown = new Uint32Array(Math.max(size, this.pathHashes.length * 2));
      grown.set(this.pathHashes);
      this.pathHashes = grown;
    }
    const paths = this.catalog.paths;
    for (let id = this.hashedUpTo; id < size; id++) this.pathHashes[id] = hashPath(paths[id]!);
    this.hashedUpTo = size;
  }
}
