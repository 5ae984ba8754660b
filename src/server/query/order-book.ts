import type { Catalog } from '../catalog/catalog.js';
import { hashPath } from './collation.js';
import { NaturalKeys } from './natural-keys.js';
import { addedOrder, nameOrder, randomOrder, sortFewByRandom, sortFewByValue, valueOrder, type SortedOrder } from './sorters.js';

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

/**
 * The whole-catalog sorted orders, one per sort key (and seed), cached until the catalog changes.
 * Every listing (folders, queries, search) is a selection from one of these, so all routes agree
 * on the order by construction.
 */
export class OrderBook {
  private readonly orders = new Map<string, { stamp: string; order: SortedOrder }>();
  private nameRank: { stamp: string; rank: Int32Array } | undefined;
  private pendingName: { generation: number; build: Promise<void> } | undefined;
  private hashes = new Uint32Array(0);
  private hashedUpTo = 0;
  private maskBuffer = new Uint8Array(0);

  constructor(private readonly catalog: Catalog) {}

  /** One more than the largest id handed out: the length of a per-id mask. */
  get idSpace(): number {
    return this.catalog.size;
  }

  /**
   * A zeroed per-id byte mask, the same buffer every call: picking from an order is synchronous
   * and keeps nothing, so a burst of filtered queries leaves no 1 MB masks (at 1M rows) waiting
   * for the GC as external memory.
   */
  mask(): Uint8Array {
    const size = this.catalog.size;
    if (this.maskBuffer.length < size) this.maskBuffer = new Uint8Array(this.catalog.width.length);
    const mask = this.maskBuffer.subarray(0, size);
    mask.fill(0);
    return mask;
  }

  /**
   * Builds the name order (which the added and metric orders start from) with its natural keys
   * computed in slices, yielding to the event loop between them: a million keys take a second or
   * more. `order()` works without it, but would compute them inside one request. Concurrent
   * calls share one build; a build overtaken by a catalog change is dropped.
   */
  async prepare(sort: Pick<ListSort, 'key'> = DEFAULT_SORT): Promise<void> {
    if (sort.key === 'random') return;
    const generation = this.catalog.generation;
    if (this.orders.get('name')?.stamp === `${generation}:`) return;
    if (this.pendingName?.generation !== generation) {
      const build = this.buildNameOrder(generation);
      this.pendingName = { generation, build };
      void build.finally(() => {
        if (this.pendingName?.build === build) this.pendingName = undefined;
      });
    }
    await this.pendingName!.build;
  }

  private async buildNameOrder(generation: number): Promise<void> {
    const keys = this.nameKeys();
    while (keys.step()) await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.catalog.generation !== generation) return;
    this.orders.set('name', { stamp: `${generation}:`, order: nameOrder(this.catalog, keys) });
  }

  /** The ascending order of every alive id for `key`; built on first use after a catalog change. */
  order(key: SortKey, seed: number): SortedOrder {
    const isMetric = key.startsWith('metric:');
    const stamp = `${this.catalog.generation}:${isMetric ? this.catalog.metricsGeneration : ''}`;
    const cacheKey = key === 'random' ? `random:${seed}` : key;
    const hit = this.orders.get(cacheKey);
    if (hit && hit.stamp === stamp) return hit.order;
    let order: SortedOrder;
    if (key === 'name') order = nameOrder(this.catalog, this.nameKeys().complete());
    else if (key === 'added') order = addedOrder(this.catalog, this.order('name', 0));
    else if (key === 'random') order = randomOrder(this.catalog, this.pathHashes(), seed);
    else order = valueOrder(this.catalog.metrics.get(key.slice(7)), this.order('name', 0));
    // Random orders for other seeds are dropped so a shuffling client cannot grow the cache.
    if (key === 'random') for (const k of this.orders.keys()) if (k.startsWith('random:')) this.orders.delete(k);
    this.orders.set(cacheKey, { stamp, order });
    return order;
  }

  /**
   * Sorts a few ids in place as `order(sort.key, sort.seed)` lists them, by the same keys and
   * tiebreaks (sorters.ts), and returns how many have the sort value (they come first). Sorting a
   * small folder this way beats walking a 1M-id order to pick its items. Only the name rank is
   * kept for it (every order's tiebreak): a rank per sort key would keep 4 MB per key used at 1M
   * rows, up to one per metric column.
   */
  sortFew(sort: ListSort, ids: Int32Array): number {
    if (sort.key === 'random') {
      sortFewByRandom(ids, this.pathHashes(), sort.seed, this.catalog.paths);
      return ids.length;
    }
    const rank = this.rankByName();
    if (sort.key === 'name') {
      ids.sort((a, b) => rank[a]! - rank[b]!);
      return ids.length;
    }
    if (sort.key === 'added') return sortFewByValue(ids, this.catalog.added, rank, false);
    const values = this.catalog.metrics.get(sort.key.slice(7));
    if (values) return sortFewByValue(ids, values, rank, true);
    ids.sort((a, b) => rank[a]! - rank[b]!);
    return 0;
  }

  /** L1 as a comparator over ids (for merging a few ids into an order): by name rank. */
  byName(): (a: number, b: number) => number {
    const rank = this.rankByName();
    return (a, b) => rank[a]! - rank[b]!;
  }

  /** Each id's position in the name order, rebuilt (one pass) with that order. */
  private rankByName(): Int32Array {
    const order = this.order('name', 0).order;
    const stamp = this.orders.get('name')!.stamp;
    if (this.nameRank?.stamp !== stamp) {
      const rank = new Int32Array(this.catalog.size);
      for (let i = 0; i < order.length; i++) rank[order[i]!] = i;
      this.nameRank = { stamp, rank };
    }
    return this.nameRank.rank;
  }

  /**
   * Natural keys by id, for one build only: kept, they would cost ~25 MB at 1M rows, while a
   * build is rare once the dataset is loaded (and at most once a second per folder listing while
   * it indexes, see ScopedOrders).
   */
  private nameKeys(): NaturalKeys {
    return new NaturalKeys(this.catalog.size, (id) => this.catalog.nameOf(id));
  }

  /** FNV-1a per id, kept (4 bytes an id): a new seed then only re-mixes integers. */
  private pathHashes(): Uint32Array {
    const size = this.catalog.size;
    if (this.hashedUpTo < size) {
      if (this.hashes.length < size) {
        const grown = new Uint32Array(Math.max(size, this.hashes.length * 2));
        grown.set(this.hashes);
        this.hashes = grown;
      }
      const paths = this.catalog.paths;
      for (let id = this.hashedUpTo; id < size; id++) this.hashes[id] = hashPath(paths[id]!);
      this.hashedUpTo = size;
    }
    return this.hashes;
  }
}
