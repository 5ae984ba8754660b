import { useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { Health } from '../../protocol/health.js';
import { queryKeys } from '../api/query-keys.js';
import { useOptionalSyncEngine } from '../hooks/sync-context.js';

const noSubscription = () => () => {};

/**
 * Keeps what the app shows in step with the server's index. When indexing ends (after a start,
 * a restart, or a refresh) every listing, count and panel is refetched, and edits parked as
 * "Item missing" are sent again: the server may not have known the item yet. A restart happens
 * while health is not being polled, so health is asked again when the event stream comes back
 * and when a listing says it is partial.
 */
export function useIndexRefresh(health: UseQueryResult<Health>, listingPartial: boolean): void {
  const queryClient = useQueryClient();
  const engine = useOptionalSyncEngine();
  const state = health.data?.indexing.state;
  const previous = useRef(state);
  useEffect(() => {
    const was = previous.current;
    previous.current = state;
    if (was !== 'running' || state !== 'done') return;
    void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.health[0] });
    engine?.queue.retryMissing();
  }, [state, queryClient, engine]);

  const connection = useSyncExternalStore(engine?.subscribe ?? noSubscription, () => engine?.getState().connection ?? null);
  const lastConnection = useRef(connection);
  const { refetch } = health;
  useEffect(() => {
    const was = lastConnection.current;
    lastConnection.current = connection;
    if (connection === 'live' && (was === 'reconnecting' || was === 'offline')) void refetch();
  }, [connection, refetch]);

  useEffect(() => {
    if (listingPartial && state !== 'running') void refetch();
  }, [listingPartial, state, refetch]);
}
