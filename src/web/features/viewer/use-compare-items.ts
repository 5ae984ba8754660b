import { useQueries, useQueryClient } from '@tanstack/react-query';
import type { Item } from '../../../protocol/items.js';
import { fetchItemAt } from '../../api/folders-api.js';
import { findCachedItem } from '../../api/item-cache.js';
import { queryKeys } from '../../api/query-keys.js';

export interface CompareItem {
  item: Item | undefined;
  /** The server says there is no such item (any more). */
  missing: boolean;
}

/**
 * The compared items, each kept as a one-item page in the query cache: the sync engine's
 * optimistic edits and other browsers' events patch it like any listing page, so the panes' labels
 * stay live. A copy from a loaded listing shows at once; a link or reload asks the server.
 */
export function useCompareItems(paths: readonly string[]): CompareItem[] {
  const queryClient = useQueryClient();
  return useQueries({
    queries: paths.map((path) => ({
      queryKey: queryKeys.itemAt(path),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchItemAt(path, signal),
      initialData: () => {
        const cached = findCachedItem(queryClient, path);
        return cached ? { items: [cached] } : undefined;
      },
      staleTime: 60_000,
    })),
    combine: (results) =>
      results.map((r) => ({ item: r.data?.items[0], missing: (r.error as { status?: number } | null)?.status === 404 })),
  });
}
