import type { Query, QueryClient } from '@tanstack/react-query';
import type { Item } from '../../../protocol/items.js';
import { baseName } from '../../../protocol/paths.js';
import { pageHolds } from '../listing-scope.js';
import type { CachedLabels, ItemCacheAdapter } from './cache-patch.js';

interface ItemPage {
  items: Item[];
  total?: number;
}

function isItemPage(value: unknown): value is ItemPage {
  return typeof value === 'object' && value !== null && Array.isArray((value as ItemPage).items);
}

function differs(item: Item, patch: Partial<CachedLabels>): boolean {
  for (const key of Object.keys(patch) as (keyof CachedLabels)[]) {
    const a = item[key] as unknown;
    const b = patch[key] as unknown;
    if (Array.isArray(a) && Array.isArray(b) ? a.length !== b.length || a.some((x, i) => x !== b[i]) : a !== b) return true;
  }
  return false;
}

export interface QueryCacheAdapter extends ItemCacheAdapter {
  /**
   * The item at `from` is now at `to`: renamed in place in every page that lists `to` too, and
   * taken out of pages that don't (its folder changed). Returns the keys of the pages it left,
   * whose later windows are now off by one until refetched.
   */
  move(from: string, to: string, partial: Partial<CachedLabels>): (readonly unknown[])[];
  /** Runs `fn` with every patch to a page collected, then writes each touched page once. */
  batch(fn: () => void): void;
  dispose(): void;
}

/**
 * The query cache as the sync code sees it: items by path across every cached page (folder
 * windows, query windows, search results). An index path → (page, position), kept current from
 * the cache's own notifications, makes a read or a patch touch only the pages that hold the item:
 * a folder of 100k items is 200 windows, and a burst of remote edits must not scan all of them
 * per event. Inside `batch`, a burst of patches costs one page write per page, not one per item.
 */
export function createItemCacheAdapter(queryClient: QueryClient): QueryCacheAdapter {
  const cache = queryClient.getQueryCache();
  /** path → query hash → position in that page. */
  const where = new Map<string, Map<string, number>>();
  /** The paths each page was indexed with, to skip re-indexing when only labels changed. */
  const indexedPaths = new Map<string, string[]>();
  let working: Map<string, { query: Query; page: ItemPage; items: Item[] }> | null = null;

  const indexQuery = (query: Query) => {
    const data = query.state.data;
    if (!isItemPage(data)) return;
    const hash = query.queryHash;
    const before = indexedPaths.get(hash);
    const items = data.items;
    if (before && before.length === items.length && items.every((item, i) => item.path === before[i])) return;
    if (before) for (const path of before) where.get(path)?.delete(hash);
    items.forEach((item, i) => {
      let pages = where.get(item.path);
      if (!pages) {
        pages = new Map();
        where.set(item.path, pages);
      }
      pages.set(hash, i);
    });
    indexedPaths.set(hash, items.map((i) => i.path));
  };
  for (const query of cache.findAll({ queryKey: ['items'] })) indexQuery(query);
  const unsubscribe = cache.subscribe((event) => {
    if (event.query.queryKey[0] !== 'items') return;
    if (event.type === 'removed') {
      const hash = event.query.queryHash;
      for (const path of indexedPaths.get(hash) ?? []) where.get(path)?.delete(hash);
      indexedPaths.delete(hash);
    } else if (event.type === 'added' || event.type === 'updated') {
      indexQuery(event.query);
    }
  });

  /** Pages holding `path` (the batch's working copy where there is one), with its position. */
  function locate(path: string): Array<{ query: Query; items: Item[]; index: number }> {
    const pages = where.get(path);
    const out: Array<{ query: Query; items: Item[]; index: number }> = [];
    if (!pages) return out;
    for (const [hash, position] of pages) {
      const pending = working?.get(hash);
      const query = pending?.query ?? cache.get(hash);
      const data = query?.state.data;
      const items = pending?.items ?? (isItemPage(data) ? data.items : null);
      if (!query || !items) continue;
      const index = items[position]?.path === path ? position : items.findIndex((i) => i.path === path);
      if (index >= 0) out.push({ query, items, index });
    }
    return out;
  }

  const write = (query: Query, items: Item[]) => {
    const page = query.state.data as ItemPage;
    queryClient.setQueryData(query.queryKey, { ...page, items });
  };

  return {
    read(path) {
      let newest: Item | null = null;
      for (const { items, index } of locate(path)) {
        const item = items[index]!;
        if (!newest || item.version > newest.version) newest = item;
      }
      return newest
        ? { version: newest.version, star: newest.star, flag: newest.flag ?? null, tags: newest.tags, notes: newest.notes, metrics: newest.metrics }
        : null;
    },
    patch(path, partial) {
      for (const { query, items, index } of locate(path)) {
        const current = items[index]!;
        if (!differs(current, partial)) continue;
        const next = { ...current, ...partial, path };
        if (working) {
          let page = working.get(query.queryHash);
          if (!page) {
            page = { query, page: query.state.data as ItemPage, items: items.slice() };
            working.set(query.queryHash, page);
          }
          page.items[index] = next;
        } else {
          const copy = items.slice();
          copy[index] = next;
          write(query, copy);
        }
      }
    },
    move(from, to, partial) {
      const left: (readonly unknown[])[] = [];
      for (const { query, items, index } of locate(from)) {
        const page = query.state.data as ItemPage;
        const copy = items.slice();
        if (pageHolds(query.queryKey, to)) {
          // Same place in the list: the user keeps their bearings, and window offsets stay right.
          copy[index] = { ...copy[index]!, ...partial, path: to, name: baseName(to) };
          queryClient.setQueryData(query.queryKey, { ...page, items: copy });
        } else {
          copy.splice(index, 1);
          const total = typeof page.total === 'number' ? Math.max(0, page.total - 1) : page.total;
          queryClient.setQueryData(query.queryKey, { ...page, items: copy, total });
          left.push(query.queryKey);
        }
      }
      return left;
    },
    batch(fn) {
      if (working) return fn();
      working = new Map();
      try {
        fn();
      } finally {
        const pages = working;
        working = null;
        for (const { query, items } of pages.values()) write(query, items);
      }
    },
    dispose: unsubscribe,
  };
}
