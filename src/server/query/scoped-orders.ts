import type { Arranged } from './arrange.js';
import type { ListSort } from './order-book.js';

export interface ScopeKey {
  dirId: number;
  recursive: boolean;
  sort: ListSort;
}

const MAX_ENTRIES = 64;
/** 16 MB of ids: four orders of a 1M-row catalog, or hundreds of folder-sized ones. */
const MAX_IDS = 4 * 1024 * 1024;

/**
 * Arranged unfiltered folders (what `/folders` and an unfiltered `/query` list), per (folder,
 * recursive, key, seed). Direction is not part of the key: one ascending list serves both. A
 * 500-item window is then a slice, not a selection from a 100k or 1M order. Least recently used
 * entries go first when over either bound.
 */
export class ScopedOrders {
  private readonly cache = new Map<string, { stamp: string; builtAt: number; list: Arranged }>();
  private cachedIds = 0;

  /**
   * `stamp` names the catalog (and label) state an entry is valid for. `maxStaleMs`: while
   * indexing, the stamp moves with every batch; an entry younger than this is reused anyway, so a
   * client polling a 100k listing doesn't re-sort on every request.
   */
  get(key: ScopeKey, stamp: string, maxStaleMs: number, build: () => Arranged): Arranged {
    const id = idOf(key);
    const hit = this.cache.get(id);
    const now = performance.now();
    if (hit) {
      this.drop(id);
      if (hit.stamp === stamp || fresh(hit, now, maxStaleMs)) {
        this.put(id, hit); // re-insert: Map order doubles as LRU order
        return hit.list;
      }
    }
    const list = build();
    this.put(id, { stamp, builtAt: now, list });
    return list;
  }

  /** Whether `get` would answer from the cache (and not build). */
  has(key: ScopeKey, stamp: string, maxStaleMs: number): boolean {
    const hit = this.cache.get(idOf(key));
    return hit !== undefined && (hit.stamp === stamp || fresh(hit, performance.now(), maxStaleMs));
  }

  private put(id: string, entry: { stamp: string; builtAt: number; list: Arranged }): void {
    this.cache.set(id, entry);
    this.cachedIds += entry.list.ids.length;
    while (this.cache.size > 1 && (this.cache.size > MAX_ENTRIES || this.cachedIds > MAX_IDS)) {
      this.drop(this.cache.keys().next().value!);
    }
  }

  private drop(id: string): void {
    const entry = this.cache.get(id);
    if (!entry) return;
    this.cache.delete(id);
    this.cachedIds -= entry.list.ids.length;
  }
}

/** A stale entry serves while young, unless empty (OB3): an empty list is cheap to make again, and may not be empty any more. */
const fresh = (entry: { builtAt: number; list: Arranged }, now: number, maxStaleMs: number) => entry.list.ids.length > 0 && now - entry.builtAt < maxStaleMs;

const idOf = (key: ScopeKey) => `${key.dirId}|${key.recursive ? 1 : 0}|${key.sort.key}|${key.sort.key === 'random' ? key.sort.seed >>> 0 : 0}`;
