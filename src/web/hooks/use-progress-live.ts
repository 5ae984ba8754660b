import { useQueryClient, type Query } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { parentPath } from '../../protocol/paths.js';
import { progressKeys } from '../api/progress-api.js';
import { personName } from '../api/sync/activity.js';
import { addToFeed, describeLabelChange, type FeedEntry, type LabelState } from '../lib/activity-feed.js';
import { batchThrottle, browserThrottleClock } from '../lib/batch-throttle.js';
import { statsTouched } from '../lib/progress-model.js';
import { useOptionalSyncEngine } from './sync-context.js';

/** At most one refetch (and one feed repaint) per this long, however many edits arrive. */
export const PROGRESS_THROTTLE_MS = 1_000;
const MAX_REMEMBERED = 5_000;

/**
 * Keeps every progress view current from the event stream, throttled: label changes refetch only
 * the stats that cover their folders (those on screen now; the rest when next shown), my work and
 * the per-day counts, at most once a second; the settings and assignments events refetch what
 * they change. Returns the activity feed (newest first), collected from the page's start.
 */
export function useProgressLive(): FeedEntry[] {
  const engine = useOptionalSyncEngine();
  const queryClient = useQueryClient();
  const [feed, setFeed] = useState<FeedEntry[]>([]);

  useEffect(() => {
    if (!engine) return;
    const refetch = (predicate: (q: Query) => boolean) => void queryClient.invalidateQueries({ predicate, refetchType: 'active' });
    const isKind = (q: Query, kind: string) => q.queryKey[0] === progressKeys.all[0] && q.queryKey[1] === kind;
    const changed = batchThrottle<string>(
      (folders) => refetch((q) => (isKind(q, 'stats') && statsTouched(q.queryKey, folders)) || isKind(q, 'mine') || isKind(q, 'daily')),
      PROGRESS_THROTTLE_MS,
      browserThrottleClock,
    );
    const seen = new Map<string, LabelState>();
    let local = 0;
    const entries = batchThrottle<FeedEntry>(
      (batch) => setFeed((feed) => [...batch].reduce(addToFeed, feed)),
      PROGRESS_THROTTLE_MS,
      browserThrottleClock,
    );
    const off = engine.onServerEvent((e, id) => {
      switch (e.type) {
        case 'item-updated': {
          changed.push(parentPath(e.data.path));
          const before = seen.get(e.data.path);
          seen.delete(e.data.path);
          seen.set(e.data.path, e.data);
          if (seen.size > MAX_REMEMBERED) seen.delete(seen.keys().next().value!);
          entries.push({ id: id ?? -++local, path: e.data.path, who: personName(e.data.updated_by) ?? 'Someone', what: describeLabelChange(before, e.data), at: e.data.updated_at });
          return;
        }
        case 'item-moved':
          changed.push(parentPath(e.data.from));
          changed.push(parentPath(e.data.to));
          return;
        case 'items-added':
        case 'items-removed':
          for (const f of e.data.folders) changed.push(f);
          return;
        case 'settings-updated':
          refetch((q) => q.queryKey[0] === progressKeys.all[0]);
          return;
        case 'assignments-updated':
          refetch((q) => isKind(q, 'assignments') || isKind(q, 'mine'));
          return;
      }
    });
    return () => {
      off();
      changed.cancel();
      entries.cancel();
    };
  }, [engine, queryClient]);
  return feed;
}
