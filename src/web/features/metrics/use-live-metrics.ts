import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useOptionalSyncEngine } from '../../hooks/sync-context.js';
import { coalesce } from './burst.js';
import { metricsKeys } from './metrics-api.js';

const REFRESH_MS = 1_000;
const timers = { setTimeout: (fn: () => void, ms: number) => window.setTimeout(fn, ms), clearTimeout: (h: unknown) => window.clearTimeout(h as number) };

/**
 * New metric values (`metrics-updated`, or an `item-updated` carrying metrics): the sync engine
 * already patches the grid's cells in place. Here, once per burst: refetch the histograms and the
 * metric names on screen, and the lists filtered by a metric range (an item may have moved in or
 * out of the range; an in-place patch can't add or drop rows). Lists merely sorted by a metric
 * keep their order until the next navigation rather than reshuffling under the user.
 */
export function useLiveMetrics(): void {
  const engine = useOptionalSyncEngine();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!engine) return;
    const refresh = coalesce(
      () => {
        void queryClient.invalidateQueries({ queryKey: metricsKeys.histograms, refetchType: 'active' });
        void queryClient.invalidateQueries({ queryKey: metricsKeys.fields, refetchType: 'active' });
        void queryClient.invalidateQueries({
          // queryKeys.listing: ['items', 'window', path, sort, order, seed, filters?]
          predicate: (q) => q.queryKey[0] === 'items' && q.queryKey[1] === 'window' && typeof q.queryKey[6] === 'string' && q.queryKey[6].includes('"metric"'),
          refetchType: 'active',
        });
      },
      REFRESH_MS,
      timers,
    );
    const off = engine.onServerEvent((e) => {
      if (e.type === 'metrics-updated' || (e.type === 'item-updated' && e.data.metrics)) refresh.trigger();
    });
    return () => {
      off();
      refresh.cancel();
    };
  }, [engine, queryClient]);
}
