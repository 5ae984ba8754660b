import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { duplicatesResponseSchema, type DuplicateGroup, type DuplicatesResponse } from '../../../protocol/duplicates.js';
import type { Item } from '../../../protocol/items.js';
import { requestJson } from '../../api/http-client.js';

/** How groups are made: perceptual hashes within a Hamming distance, or an embedding at a cosine score (DU9). */
export type GroupBy = { maxDistance: number } | { embedding: string; minScore: number };

const byKey = (by: GroupBy) => ('embedding' in by ? `${by.embedding}@${by.minScore}` : `phash@${by.maxDistance}`);
const groupsKey = (path: string, by: GroupBy) => ['duplicates', 'groups', path, byKey(by)] as const;
/**
 * The groups' items as one page `{ items }` among the cache's `items` pages: the sync engine finds each item's
 * base version there (a keep is a versioned batch write), and patches its labels there as edits are
 * made and events arrive, so the rows show flags at once.
 */
const itemsKey = (path: string, by: GroupBy) => ['items', 'duplicates', path, byKey(by)] as const;

export interface Duplicates {
  data: DuplicatesResponse | undefined;
  /** The groups with their items' labels as the cache has them now. */
  groups: DuplicateGroup[];
  isError: boolean;
}

/** `POST /duplicates` under `path` (recursive); asked again every 2 s while images are still being hashed (or vectors read). */
export function useDuplicates(path: string, by: GroupBy): Duplicates {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: groupsKey(path, by),
    queryFn: async ({ signal }): Promise<DuplicatesResponse> => {
      const body = 'embedding' in by ? { path, recursive: true, embedding: by.embedding, min_score: by.minScore } : { path, recursive: true, max_distance: by.maxDistance };
      const answer = await requestJson('/duplicates', duplicatesResponseSchema, { method: 'POST', body, signal });
      client.setQueryData(itemsKey(path, by), { items: answer.groups.flatMap((g) => g.items) });
      return answer;
    },
    refetchInterval: (q) => ((q.state.data?.pending ?? 0) > 0 ? 2000 : false),
    staleTime: 5_000,
  });
  const page = useQuery({
    queryKey: itemsKey(path, by),
    // Filled by the groups' answer above; never fetched by itself.
    queryFn: () => ({ items: [] as Item[] }),
    enabled: false,
  });
  const groups = useMemo(() => {
    const current = new Map((page.data?.items ?? []).map((item) => [item.path, item]));
    return (query.data?.groups ?? []).map((g) => ({ ...g, items: g.items.map((item) => current.get(item.path) ?? item) }));
  }, [query.data, page.data]);
  return { data: query.data, groups, isError: query.isError };
}
