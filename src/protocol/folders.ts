import * as z from 'zod';
import { itemSchema } from './items.js';

export const SORT_KEYS = ['name', 'added', 'random'] as const;
export const sortKeySchema = z.enum(SORT_KEYS);
export const sortOrderSchema = z.enum(['asc', 'desc']);

/**
 * On a listing made while the index is still being built: it is partial (folders found on disk
 * may show a count of 0 until their images are indexed). Absent once indexing is done.
 */
export const listingIndexingSchema = z.object({ done: z.number().int(), total: z.number().int() });
export type ListingIndexing = z.infer<typeof listingIndexingSchema>;

export const dirEntrySchema = z.object({ name: z.string(), path: z.string(), count: z.number().int() });
export type DirEntry = z.infer<typeof dirEntrySchema>;

export const foldersResponseSchema = z.object({
  path: z.string(),
  dirs: z.array(dirEntrySchema),
  items: z.array(itemSchema),
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  indexing: listingIndexingSchema.optional(),
});
export type FoldersResponse = z.infer<typeof foldersResponseSchema>;

export const searchResponseSchema = z.object({ items: z.array(itemSchema), total: z.number().int() });
export type SearchResponse = z.infer<typeof searchResponseSchema>;

export const MAX_WINDOW = 5000;

/** `POST /refresh?path=`: how a rescan of the folder changed the catalog. */
export const refreshResponseSchema = z.object({
  ok: z.literal(true),
  path: z.string(),
  added: z.number().int(),
  updated: z.number().int(),
  removed: z.number().int(),
});
export type RefreshResponse = z.infer<typeof refreshResponseSchema>;
