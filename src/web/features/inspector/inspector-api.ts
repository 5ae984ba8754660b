import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { z } from 'zod';
import { requestJson } from '../../api/http-client.js';
import { readHistory } from './history-format.js';
import type { ExportRow } from './export-format.js';

const metadataSchema = z.object({
  path: z.string(),
  format: z.string(),
  width: z.number(),
  height: z.number(),
  exif: z.record(z.string(), z.unknown()).nullable(),
  png_text: z.array(z.object({ keyword: z.string(), text: z.string() }).loose()).nullable(),
  quick_fields: z.record(z.string(), z.string()),
});
export type ImageMetadata = z.infer<typeof metadataSchema>;

export function useMetadata(path: string | null) {
  return useQuery({
    queryKey: ['metadata', path],
    queryFn: ({ signal }) => requestJson('/metadata', metadataSchema, { query: { path }, signal }),
    enabled: path !== null,
    staleTime: Infinity,
    retry: false,
  });
}

/** Keyed by version: a new version of the item (ours or someone's) refetches its history. */
export function useHistory(path: string | null, version: number) {
  return useQuery({
    queryKey: ['item-history', path, version],
    queryFn: async ({ signal }) => readHistory(await requestJson('/item/history', z.unknown(), { query: { path, limit: 20 }, signal })),
    enabled: path !== null,
    staleTime: Infinity,
    placeholderData: (prev) => prev,
  });
}

export async function fetchExportRows(folder: string, signal?: AbortSignal): Promise<ExportRow[]> {
  const rows = await requestJson('/export', z.array(z.unknown()), { query: { format: 'json', path: folder, all: true }, signal });
  return rows as ExportRow[];
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
      const rows = await requestJson('/export', z.array(z.object({ tags: z.array(z.string()) }).loose()), {
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
