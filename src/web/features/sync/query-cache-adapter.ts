import type { Query, QueryClient } from '@tanstack/react-query';
import type { Item } from '../../../protocol/items.js';
import type { CachedLabels, ItemCacheAdapter } from './cache-patch.js';

interface ItemPage {
  items: Item[];
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

/**
 * The query cache as the sync code sees it: items by path across every cached page (folder
 * windows, query windows, search results). An index path → pages, kept current from the cache's
 * own notifications, makes a read or a patch touch only the pages that hold the item: a folder
 * of 100k items is 200 windows, and a burst of remote edits must not scan all of them per event.
 */
export function createItemCacheAdapter(queryClient: QueryClient): ItemCacheAdapter & { dispose(): void } {
  const cache = queryClient.getQueryCache();
  const pagesOf = new Map<string, Set<string>>();
  const indexed = new WeakSet<object>();

  const indexQuery = (query: Query) => {
    const data = query.state.data;
    if (!isItemPage(data) || indexed.has(data)) return;
    indexed.add(data);
    for (const item of data.items) {
      let hashes = pagesOf.get(item.path);
      if (!hashes) pagesOf.set(item.path, (hashes = new Set()));
      hashes.add(query.queryHash);
    }
  };
  for (const query of cache.findAll({ queryKey: ['items'] })) indexQuery(query);
  const unsubscribe = cache.subscribe((event) => {
    if (event.query.queryKey[0] !== 'items') return;
    if (event.type === 'removed') {
      const data = event.query.state.data;
      if (isItemPage(data)) for (const item of data.items) pagesOf.get(item.path)?.delete(event.query.queryHash);
    } else if (event.type === 'added' || event.type === 'updated') {
      indexQuery(event.query);
    }
  });

  /** Pages holding `path`, with its position in each; stale index entries are dropped on the way. */
  function* locate(path: string): Generator<{ query: Query; page: ItemPage; index: number }> {
    const hashes = pagesOf.get(path);
    if (!hashes) return;
    for (const hash of [...hashes]) {
      const query = cache.get(hash);
      const page = query?.state.data;
      const index = isItemPage(page) ? page.items.findIndex((i) => i.path === path) : -1;
      if (!query || !isItemPage(page) || index < 0) {
        hashes.delete(hash);
        continue;
      }
      yield { query, page, index };
    }
    if (!hashes.size) pagesOf.delete(path);
  }

  return {
    read(path) {
      let newest: Item | null = null;
      for (const { page, index } of locate(path)) {
        const item = page.items[index]!;
        if (!newest || item.version > newest.version) newest = item;
      }
      return newest
        ? { version: newest.version, star: newest.star, tags: newest.tags, notes: newest.notes, metrics: newest.metrics }
        : null;
    },
    patch(path, partial) {
      for (const { query, page, index } of [...locate(path)]) {
        const current = page.items[index]!;
        if (!differs(current, partial)) continue;
        const items = page.items.slice();
        items[index] = { ...current, ...partial, path };
        queryClient.setQueryData(query.queryKey, { ...page, items });
      }
    },
    dispose: unsubscribe,
  };
}
