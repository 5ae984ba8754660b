import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import type { ViewsDocument } from '../../../protocol/views.js';
import { useOptionalSyncEngine } from '../../hooks/sync-context.js';
import { fetchViews, saveViewEdit } from './views-api.js';
import type { ViewEdit } from './views-merge.js';

export const viewsKey = ['views'] as const;

function makeKey(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * The smart-folder list. A `views-updated` event newer than what we hold refetches it, so a smart
 * folder saved in one browser shows up in every other at once.
 */
export function useViews() {
  const queryClient = useQueryClient();
  const engine = useOptionalSyncEngine();
  // staleTime 0: the list is tiny, and events that arrived while it was not on screen (the left
  // panel showed metrics) were not listened to, so every mount checks again.
  const query = useQuery({ queryKey: viewsKey, queryFn: ({ signal }) => fetchViews(signal), staleTime: 0 });
  useEffect(() => {
    if (!engine) return;
    return engine.onServerEvent((e) => {
      if (e.type !== 'views-updated') return;
      const held = queryClient.getQueryData<ViewsDocument>(viewsKey);
      if (!held || e.data.version > held.version) void queryClient.invalidateQueries({ queryKey: viewsKey });
    });
  }, [engine, queryClient]);

  /** Saves one edit (re-applied onto the server's list after a 409) and shows the result. */
  const edit = useCallback(
    async (change: ViewEdit) => {
      const base = queryClient.getQueryData<ViewsDocument>(viewsKey) ?? (await fetchViews());
      const doc = await saveViewEdit(base, change, makeKey);
      const held = queryClient.getQueryData<ViewsDocument>(viewsKey);
      if (!held || doc.version >= held.version) queryClient.setQueryData(viewsKey, doc);
      return doc;
    },
    [queryClient],
  );
  return { views: query.data?.views ?? [], isPending: query.isPending, error: query.error, edit };
}
