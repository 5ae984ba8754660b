import type { SortKey, SortOrder } from '../lib/url-state.js';

/** One ordered listing of a folder's items: the unit the grid pages through. */
export interface ListingKey {
  path: string;
  sort: SortKey;
  order: SortOrder;
  /** Only part of the key for the random sort, so changing it elsewhere doesn't refetch. */
  seed: number;
  /**
   * `POST /query` filter clauses as JSON ('' or absent: none). A filtered list, or one sorted by a
   * metric, is paged from `POST /query` instead of `/folders`.
   */
  filters?: string;
  /** Include the items of subfolders. */
  recursive?: boolean;
  /**
   * "Find similar": `{ path, embedding }` as JSON. The list is then `POST /similar`'s answer (one
   * window, best first) over the same scope and filters, and `sort` is not used.
   */
  similar?: string;
}

/** Items per `/folders` window. */
export const WINDOW_SIZE = 500;

/**
 * Query keys, shaped so a prefix addresses a family: `['items']` every cached item page
 * (folder windows and search results), `['folders']` everything folder-shaped.
 */
export const queryKeys = {
  health: ['health'] as const,
  /** Who is signed in (`GET /auth/me`). */
  me: ['auth', 'me'] as const,
  admin: { users: ['admin', 'users'] as const, tokens: ['admin', 'tokens'] as const, audit: ['admin', 'audit'] as const },
  dirs: (path: string) => ['folders', 'dirs', path] as const,
  windows: ['items', 'window'] as const,
  // A filtered list carries its filters as a 7th part (the sync code refetches exactly those lists
  // when someone else's edit may move an item in or out of them).
  // A subtree listing is marked there too ('sub:' prefix), so refreshing it after remote edits
  // can't hurt: its rows come from more than one folder.
  listing: (l: ListingKey): readonly (string | number)[] =>
    l.similar
      ? ['items', 'window', l.path, 'similar', l.similar, 0, `${l.recursive ? 'sub:' : ''}${l.filters ?? ''}`]
      : l.filters || l.recursive
      ? ['items', 'window', l.path, l.sort, l.order, l.sort === 'random' ? l.seed : 0, `${l.recursive ? 'sub:' : ''}${l.filters ?? ''}`]
      : ['items', 'window', l.path, l.sort, l.order, l.sort === 'random' ? l.seed : 0],
  window: (l: ListingKey, offset: number): readonly (string | number)[] => [...queryKeys.listing(l), offset],
  search: (path: string, q: string) => ['items', 'search', path, q] as const,
  /** How many items of a listing's scope and filters have no star and no flag (order plays no part). */
  unlabeled: (l: ListingKey) => ['unlabeled', l.path, l.recursive ? 1 : 0, l.filters ?? ''] as const,
  /** One item named by path, as a one-item page (so edits and events patch it like any page). */
  itemAt: (path: string) => ['items', 'at', path] as const,
};
