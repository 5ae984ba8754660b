import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DirEntry, FoldersResponse, SearchResponse } from '../../../protocol/folders.js';
import type { Item } from '../../../protocol/items.js';
import { fetchDirs, fetchQueryWindow, fetchSearch, fetchSimilarWindow, fetchWindow, needsQuery } from '../../api/folders-api.js';
import { WINDOW_SIZE, queryKeys, type ListingKey } from '../../api/query-keys.js';
import { sameWindows, windowOffsets } from './listing-windows.js';

/** What the grid and viewer read: a long, sparsely loaded list of items. */
export interface Listing {
  /** Changes whenever the list is a different list (folder, sort, search). */
  key: string;
  total: number;
  /** Total matches on the server when a search was capped. */
  matches: number;
  /** Items in the folder before filters, when the list is filtered (else null). */
  unfilteredTotal: number | null;
  isLoading: boolean;
  /** The server made this list while still indexing: it is partial, and refetched until complete. */
  indexing: boolean;
  error: Error | null;
  dirs: DirEntry[];
  /** A new function whenever loaded items change, so layouts memoized on it recompute. */
  getItem(index: number): Item | undefined;
  indexOf(path: string): number;
  /** Tells the listing which item indices are on screen: their windows get fetched. */
  setVisibleRange(first: number, last: number): void;
  /** Makes sure one index gets loaded even if it is not on screen (viewer stepping). */
  ensureIndex(index: number): void;
  /** Loads the window holding `path` when it is not loaded yet (a deep link to the viewer). */
  locate(path: string): void;
}

const EMPTY_DIRS: DirEntry[] = [];
/** How often a list the server called partial (still indexing) is asked again. */
export const PARTIAL_REFETCH_MS = 2000;
export const partialRefetch = (query: { state: { data?: { indexing?: unknown } } }): number | false =>
  query.state.data?.indexing ? PARTIAL_REFETCH_MS : false;
// Windows are kept long after they scroll away: evicting them would re-estimate their rows at
// 4:3 and make the layout jump when the user scrolls back.
const WINDOW_GC_MS = 30 * 60_000;

/**
 * A folder listing paged in windows of 500 as the user scrolls near them, or a search result. The
 * windows come from `/folders`, or from `POST /query` when the list is filtered or sorted by a
 * metric: filtering and sorting always happen on the server, never over the pages loaded here. Windows live in the query cache (addressable by path for in-place patches);
 * items are read straight from the cache so windows that scrolled away still lay out correctly.
 */
export function useListing(listing: ListingKey, q: string): Listing {
  const queryClient = useQueryClient();
  const searching = q.length > 0;
  const listingKey = queryKeys.listing(listing);
  const key = searching ? JSON.stringify(queryKeys.search(listing.path, q)) : JSON.stringify(listingKey);

  const [range, setRange] = useState<{ key: string; first: number; last: number }>({ key, first: 0, last: 0 });
  const [pinned, setPinned] = useState<{ key: string; index: number } | null>(null);
  const first = range.key === key ? range.first : 0;
  const last = range.key === key ? range.last : 0;

  const viaQuery = needsQuery(listing) || Boolean(listing.similar);
  const fetchPage = (offset: number, signal: AbortSignal): Promise<FoldersResponse> =>
    listing.similar
      ? fetchSimilarWindow(listing, signal).then((r) => ({ ...r, path: listing.path, dirs: EMPTY_DIRS }))
      : viaQuery
        ? fetchQueryWindow(listing, offset, signal).then((r) => ({ ...r, path: listing.path, dirs: EMPTY_DIRS })) : fetchWindow(listing, offset, signal);
  const head = useQuery({
    queryKey: queryKeys.window(listing, 0),
    queryFn: ({ signal }) => fetchPage(0, signal),
    enabled: !searching,
    gcTime: WINDOW_GC_MS,
    refetchInterval: partialRefetch,
    // Changing a filter in the same folder keeps the previous first window on screen until the new
    // one arrives, then swaps at once: no spinner flash and no collapse of the grid's height.
    placeholderData: (previous, previousQuery) => {
      const k = previousQuery?.queryKey;
      // Not across a change of the item a similarity list is ordered by: that is another list.
      if (listing.similar || k?.[3] === 'similar') return undefined;
      return k && k[2] === listing.path && (typeof k[6] === 'string' || Boolean(listing.filters)) ? previous : undefined;
    },
  });
  const total = head.data?.total ?? 0;

  const offsets = useMemo(() => {
    if (searching || !head.data || head.isPlaceholderData) return [];
    const set = new Set(windowOffsets(first, last, total));
    if (pinned && pinned.key === key) set.add(Math.floor(pinned.index / WINDOW_SIZE) * WINDOW_SIZE);
    set.delete(0);
    return [...set].sort((a, b) => a - b);
  }, [searching, head.data, head.isPlaceholderData, first, last, total, pinned, key]);

  useQueries({
    queries: offsets.map((offset) => ({
      queryKey: queryKeys.window(listing, offset),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchPage(offset, signal),
      gcTime: WINDOW_GC_MS,
    })),
  });

  // A query window has no subfolders; the folder's own (cheap, shared with the tree's cache key)
  // keep the folder chips, and the unfiltered count, in place while filtering.
  const folder = useQuery({
    queryKey: queryKeys.dirs(listing.path),
    queryFn: ({ signal }) => fetchDirs(listing.path, signal),
    enabled: viaQuery && !searching,
    staleTime: 60_000,
  });

  const search = useQuery({
    queryKey: queryKeys.search(listing.path, q),
    queryFn: ({ signal }) => fetchSearch(listing.path, q, signal),
    enabled: searching,
    placeholderData: (previous) => previous,
  });

  // Re-render when any page of this list changes: a window arriving, or an item patched in place.
  const [version, setVersion] = useState(0);
  const frame = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: listingKey and searching are derived from key, which identifies the list (listingKey is a new array each render)
  useEffect(() => {
    const prefix = searching ? queryKeys.search(listing.path, q) : listingKey;
    const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated') return;
      const k = event.query.queryKey;
      if (!prefix.every((part, i) => k[i] === part)) return;
      if (frame.current) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = 0;
        setVersion((v) => v + 1);
      });
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [queryClient, key]);

  const searchData = search.data as SearchResponse | undefined;
  // Loaded windows by offset, gathered once per cache change: looking each item up through
  // getQueryData would hash a query key per item, which is far too slow for a 100k layout.
  // biome-ignore lint/correctness/useExhaustiveDependencies: version says the cache changed underneath and head.data that the first window arrived; listingKey is derived from key
  const pages = useMemo(() => {
    const map = new Map<number, Item[]>();
    if (searching) return map;
    if (head.isPlaceholderData && head.data) {
      map.set(0, head.data.items);
      return map;
    }
    for (const [queryKey, page] of queryClient.getQueriesData<FoldersResponse>({ queryKey: listingKey })) {
      const offset = queryKey[listingKey.length];
      if (page && typeof offset === 'number') map.set(offset, page.items);
    }
    return map;
  }, [queryClient, key, searching, version, head.data, head.isPlaceholderData]);

  const getItem = useCallback(
    (index: number): Item | undefined => {
      if (searching) return searchData?.items[index];
      const offset = index - (index % WINDOW_SIZE);
      return pages.get(offset)?.[index - offset];
    },
    [searching, searchData, pages],
  );

  const indexOf = useCallback(
    (path: string): number => {
      if (searching) return searchData?.items.findIndex((item) => item.path === path) ?? -1;
      for (const [offset, items] of pages) {
        const i = items.findIndex((item) => item.path === path);
        if (i >= 0) return offset + i;
      }
      return -1;
    },
    [searching, searchData, pages],
  );

  const setVisibleRange = useCallback(
    (f: number, l: number) =>
      setRange((prev) => {
        // Only windows matter: don't re-render the app for every scrolled row.
        return prev.key === key && sameWindows(prev.first, prev.last, f, l) ? prev : { key, first: f, last: l };
      }),
    [key],
  );
  const ensureIndex = useCallback((index: number) => setPinned({ key, index }), [key]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: listing is identified by key (a new object each render)
  const locate = useCallback(
    (path: string) => {
      // Filtered lists come from POST /query, which has no `around`: they load as the user scrolls.
      if (searching || viaQuery) return;
      fetchWindow(listing, 0, undefined, path).then(
        (page) => {
          if (page.offset === 0) return; // the first window is loaded already
          queryClient.setQueryData(queryKeys.window(listing, page.offset), page);
          setPinned({ key, index: page.offset });
        },
        () => {}, // the item may be gone; the viewer then shows it without a position
      );
    },
    [queryClient, key, searching, viaQuery],
  );

  const active = searching ? search : head;
  const shownTotal = searching ? (searchData?.items.length ?? 0) : total;
  const matches = searching ? (searchData?.total ?? 0) : total;
  // The folder's own count says nothing about a subtree listing.
  const unfilteredTotal = !searching && listing.filters && !listing.recursive ? (folder.data?.total ?? null) : null;
  const isLoading = active.isPending && active.fetchStatus !== 'idle';
  const indexing = !searching && Boolean(head.data?.indexing);
  const error = active.error;
  const dirs = searching ? EMPTY_DIRS : viaQuery ? (folder.data?.dirs ?? EMPTY_DIRS) : (head.data?.dirs ?? EMPTY_DIRS);
  // The same object while the list is the same: a viewer step re-renders the shell, and the grid
  // and everything memoized on the listing must not take that for a change of the list.
  return useMemo(
    () => ({ key, total: shownTotal, matches, unfilteredTotal, isLoading, indexing, error, dirs, getItem, indexOf, setVisibleRange, ensureIndex, locate }),
    [key, shownTotal, matches, unfilteredTotal, isLoading, indexing, error, dirs, getItem, indexOf, setVisibleRange, ensureIndex, locate],
  );
}
