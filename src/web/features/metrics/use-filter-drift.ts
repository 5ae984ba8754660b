import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Item } from '../../../protocol/items.js';
import type { Filter } from '../../../protocol/query.js';
import { queryKeys, type ListingKey } from '../../api/query-keys.js';
import { useOptionalSyncEngine } from '../../hooks/sync-context.js';
import { editedOffFilter } from './filter-drift.js';

export interface FilterDriftInput {
  listing: ListingKey;
  /** Changes whenever the list is a different list; the edits remembered start over. */
  key: string;
  clauses: readonly Filter[];
  total: number;
  getItem: (index: number) => Item | undefined;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Items my own edits took out of the list's filters (see editedOffFilter), and the refetch that
 * applies the filters again. `getItem` changes identity whenever loaded items change.
 */
export function useFilterDrift({ listing, key, clauses, total, getItem }: FilterDriftInput): { offFilter: number; refresh: () => void } {
  const engine = useOptionalSyncEngine();
  const queryClient = useQueryClient();
  const [edited, setEdited] = useState<{ key: string; paths: ReadonlySet<string> }>({ key, paths: NONE });
  const filtered = clauses.length > 0;
  useEffect(() => {
    if (!engine || !filtered) return;
    return engine.onEdit((paths) =>
      setEdited((prev) => ({ key, paths: new Set([...(prev.key === key ? prev.paths : NONE), ...paths]) })),
    );
  }, [engine, filtered, key]);
  const paths = edited.key === key ? edited.paths : NONE;
  const offFilter = useMemo(() => {
    if (!paths.size) return 0;
    // Only loaded items can be on screen; a Map lookup per index keeps this cheap even for 100k.
    function* loaded() {
      for (let i = 0; i < total; i++) yield getItem(i);
    }
    return editedOffFilter(loaded(), paths, clauses);
  }, [paths, clauses, total, getItem]);
  const refresh = useCallback(() => void queryClient.invalidateQueries({ queryKey: queryKeys.listing(listing), refetchType: 'active' }), [queryClient, listing]);
  return { offFilter, refresh };
}
