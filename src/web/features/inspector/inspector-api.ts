import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { exportJsonSchema, type ExportRow } from '../../../protocol/export.js';
import { historyResponseSchema } from '../../../protocol/history.js';
import { metadataResponseSchema, type MetadataResponse } from '../../../protocol/metadata.js';
import { requestJson } from '../../api/http-client.js';

export type ImageMetadata = MetadataResponse;

export function useMetadata(path: string | null) {
  return useQuery({
    queryKey: ['metadata', path],
    queryFn: ({ signal }) => requestJson('/metadata', metadataResponseSchema, { query: { path }, signal }),
    enabled: path !== null,
    staleTime: Infinity,
    retry: false,
  });
}

/** Keyed by version: a new version of the item (ours or someone's) refetches its history. */
export function useHistory(path: string | null, version: number) {
  return useQuery({
    queryKey: ['item-history', path, version],
    queryFn: async ({ signal }) => (await requestJson('/item/history', historyResponseSchema, { query: { path, limit: 20 }, signal })).entries,
    enabled: path !== null,
    staleTime: Infinity,
    placeholderData: (prev) => prev,
  });
}

export async function fetchExportRows(folder: string, signal?: AbortSignal): Promise<ExportRow[]> {
  return requestJson('/export', exportJsonSchema, { query: { format: 'json', path: folder, all: true }, signal });
}

/**
 * Tags already used anywhere in the dataset, most used first, for the tag input's suggestions.
 * Read from the label export (only labeled items are in it). `refresh` (on focusing the input)
 * refetches when older than a few seconds, and `remember` adds a tag the user just used.
 */
export function useDatasetTags() {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: DATASET_TAGS,
    queryFn: async ({ signal }) => {
      const rows = await requestJson('/export', exportJsonSchema, {
        query: { format: 'json', path: '/' },
        signal,
      });
      const counts = new Map<string, number>();
      for (const r of rows) for (const t of r.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
      return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
    },
    staleTime: 5_000,
  });
  const refresh = useCallback(() => void queryClient.invalidateQueries({ queryKey: DATASET_TAGS, refetchType: 'active', stale: true }), [queryClient]);
  const remember = useCallback(
    (tag: string) => queryClient.setQueryData<string[]>(DATASET_TAGS, (old) => (old?.includes(tag) ? old : [...(old ?? []), tag])),
    [queryClient],
  );
  return { tags: query.data ?? NO_TAGS, isLoading: query.isLoading, refresh, remember };
}

const DATASET_TAGS = ['dataset-tags'] as const;
const NO_TAGS: string[] = [];
