import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { fetchUnlabeledCount } from '../../api/folders-api.js';
import { queryKeys, type ListingKey } from '../../api/query-keys.js';
import { useOptionalSyncEngine } from '../../hooks/sync-context.js';

/** Events after which the count may have changed (labels, or items coming and going). */
const COUNT_EVENTS = new Set(['item-updated', 'item-moved', 'items-added', 'items-removed', 'resync']);
/** A burst of events (a batch, a fast cull) asks once, this long after the first. */
const RECOUNT_MS = 300;

/**
 * How many items of the listing's scope and filters have neither a star nor a flag, asked of the
 * server (`POST /query` with the extra clauses, limit 0: the loaded windows may hold a fraction of
 * the list), and asked again shortly after any label change arrives, mine included (my own writes
 * come back as events after their commit, so the count never reads a state older than them).
 */
export function useUnlabeledCount(listing: ListingKey): number | null {
  const engine = useOptionalSyncEngine();
  const queryClient = useQueryClient();
  const key = queryKeys.unlabeled(listing);
  const count = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => fetchUnlabeledCount(listing, signal),
    placeholderData: keepPreviousData,
  });
  const keyText = JSON.stringify(key);
  useEffect(() => {
    if (!engine) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = engine.onServerEvent((e) => {
      if (!COUNT_EVENTS.has(e.type) || timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        void queryClient.invalidateQueries({ queryKey: JSON.parse(keyText) as unknown[] });
      }, RECOUNT_MS);
    });
    return () => {
      off();
      if (timer !== null) clearTimeout(timer);
    };
  }, [engine, queryClient, keyText]);
  return count.data ?? null;
}
