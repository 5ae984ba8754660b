import type { SortKey, SortOrder } from '../app/url-state.js';

/** One ordered listing of a folder's items: the unit the grid pages through. */
export interface ListingKey {
  path: string;
  sort: SortKey;
  order: SortOrder;
  /** Only part of the key for the random sort, so changing it elsewhere doesn't refetch. */
  seed: number;
}

/** Items per `/folders` window. */
export const WINDOW_SIZE = 500;

/**
 * Query keys, shaped so a prefix addresses a family: `['items']` every cached item page
 * (folder windows and search results), `['folders']` everything folder-shaped.
 */
export const queryKeys = {
  health: ['health'] as const,
  dirs: (path: string) => ['folders', 'dirs', path] as const,
  windows: ['items', 'window'] as const,
  listing: (l: ListingKey) => ['items', 'window', l.path, l.sort, l.order, l.sort === 'random' ? l.seed : 0] as const,
  window: (l: ListingKey, offset: number) => [...queryKeys.listing(l), offset] as const,
  search: (path: string, q: string) => ['items', 'search', path, q] as const,
};
