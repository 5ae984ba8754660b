import type { QueryClient } from '@tanstack/react-query';
import type { Item } from '../../protocol/items.js';

/** Any cached page of items: a `/folders` window or a `/search` result. */
interface ItemPage {
  items: Item[];
}

function isItemPage(value: unknown): value is ItemPage {
  return typeof value === 'object' && value !== null && Array.isArray((value as ItemPage).items);
}

function changes(item: Item, patch: Partial<Item>): boolean {
  for (const key of Object.keys(patch) as (keyof Item)[]) {
    if (item[key] !== patch[key]) return true;
  }
  return false;
}

/**
 * Applies `patch` to the item at `path` in every cached page (folder windows and search
 * results), without refetching: how SSE `item-updated` events reach the grid and inspector.
 * Pages that don't contain the item keep their identity, so nothing else re-renders.
 * Returns how many pages changed.
 */
export function patchItemInCache(queryClient: QueryClient, path: string, patch: Partial<Omit<Item, 'path'>>): number {
  let changed = 0;
  for (const [key, data] of queryClient.getQueriesData<unknown>({ queryKey: ['items'] })) {
    if (!isItemPage(data)) continue;
    const index = data.items.findIndex((item) => item.path === path);
    if (index < 0) continue;
    const current = data.items[index]!;
    if (!changes(current, patch)) continue;
    const items = data.items.slice();
    items[index] = { ...current, ...patch, path };
    queryClient.setQueryData(key, { ...data, items });
    changed++;
  }
  return changed;
}

/** The freshest cached copy of an item, from whichever page holds it. */
export function findCachedItem(queryClient: QueryClient, path: string): Item | undefined {
  for (const [, data] of queryClient.getQueriesData<unknown>({ queryKey: ['items'] })) {
    if (!isItemPage(data)) continue;
    const item = data.items.find((i) => i.path === path);
    if (item) return item;
  }
  return undefined;
}
