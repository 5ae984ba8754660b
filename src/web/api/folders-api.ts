import { foldersResponseSchema, searchResponseSchema, type FoldersResponse, type SearchResponse } from '../../protocol/folders.js';
import { embeddingsResponseSchema, type EmbeddingInfo, similarResponseSchema } from '../../protocol/embeddings.js';
import { healthSchema, type Health } from '../../protocol/health.js';
import { queryResponseSchema, type Filter, type QueryResponse } from '../../protocol/query.js';
import { parentPath } from '../../protocol/paths.js';
import type { Item } from '../../protocol/items.js';
import { ApiError, requestJson } from './http-client.js';
import { WINDOW_SIZE, type ListingKey } from './query-keys.js';

export function fetchHealth(signal?: AbortSignal): Promise<Health> {
  return requestJson('/health', healthSchema, { signal });
}

/** The subfolders of `path`, for the tree: limit=0 asks for counts only, never items. */
export function fetchDirs(path: string, signal?: AbortSignal): Promise<FoldersResponse> {
  return requestJson('/folders', foldersResponseSchema, { query: { path, limit: 0, offset: 0 }, signal });
}

/** One window of a folder listing; with `around`, the server picks the window holding that item. */
export function fetchWindow(listing: ListingKey, offset: number, signal?: AbortSignal, around?: string): Promise<FoldersResponse> {
  return requestJson('/folders', foldersResponseSchema, {
    query: {
      path: listing.path,
      offset,
      around,
      limit: WINDOW_SIZE,
      sort: listing.sort,
      order: listing.order,
      seed: listing.sort === 'random' ? listing.seed : undefined,
      recursive: listing.recursive ? 1 : 0,
    },
    signal,
  });
}

/** True when a listing must come from `POST /query`: it is filtered, or sorted by a metric. */
export function needsQuery(listing: ListingKey): boolean {
  return Boolean(listing.filters) || listing.sort.startsWith('metric:');
}

/** One window of a filtered and/or metric-sorted listing of the folder (and its subfolders if asked). */
export function fetchQueryWindow(listing: ListingKey, offset: number, signal?: AbortSignal): Promise<QueryResponse> {
  const filters = listing.filters ? (JSON.parse(listing.filters) as Filter[]) : [];
  return requestJson('/query', queryResponseSchema, {
    method: 'POST',
    body: {
      path: listing.path,
      recursive: Boolean(listing.recursive),
      offset,
      limit: WINDOW_SIZE,
      filters,
      sort: { key: listing.sort, order: listing.order, ...(listing.sort === 'random' ? { seed: listing.seed } : {}) },
    },
    signal,
  });
}

/** Clauses that keep the items with no star (0 is unrated) and no flag. */
export const UNLABELED_CLAUSES: readonly Filter[] = [{ stars: [0] }, { flags: ['none'] }];

/** How many items of the listing's folder (and subfolders if asked) and filters are unlabeled: a count, no items. */
export async function fetchUnlabeledCount(listing: ListingKey, signal?: AbortSignal): Promise<number> {
  const filters = listing.filters ? (JSON.parse(listing.filters) as Filter[]) : [];
  const answer = await requestJson('/query', queryResponseSchema, {
    method: 'POST',
    body: { path: listing.path, recursive: Boolean(listing.recursive), offset: 0, limit: 0, filters: [...filters, ...UNLABELED_CLAUSES] },
    signal,
  });
  return answer.total;
}

export const SEARCH_LIMIT = 500;

export function fetchSearch(path: string, q: string, signal?: AbortSignal): Promise<SearchResponse> {
  return requestJson('/search', searchResponseSchema, { query: { q, path, limit: SEARCH_LIMIT }, signal });
}

/**
 * One item by path, as listings show it (dimensions, labels): the one-item window of its folder
 * that holds it. For views that name items directly (the compare view after a reload).
 */
export async function fetchItemAt(path: string, signal?: AbortSignal): Promise<{ items: Item[] }> {
  const page = await requestJson('/folders', foldersResponseSchema, { query: { path: parentPath(path), around: path, limit: 1, sort: 'name' }, signal });
  const item = page.items.find((i) => i.path === path);
  if (!item) throw new ApiError(404, 'not_found', `no such item: ${path}`);
  return { items: [item] };
}

/** Items a "Find similar" list holds: one window, the best first. */
export const SIMILAR_LIMIT = WINDOW_SIZE;

/** A similarity list as a window (`total` is what came back: the list is no longer than that). */
export async function fetchSimilarWindow(listing: ListingKey, signal?: AbortSignal): Promise<QueryResponse> {
  const { path, embedding } = JSON.parse(listing.similar!) as { path: string; embedding: string };
  const filters = listing.filters ? (JSON.parse(listing.filters) as Filter[]) : [];
  const answer = await requestJson('/similar', similarResponseSchema, {
    method: 'POST',
    body: { embedding, path, k: SIMILAR_LIMIT, filters, path_scope: listing.path, recursive: Boolean(listing.recursive) },
    signal,
  });
  return { items: answer.items, total: answer.items.length, offset: 0, limit: SIMILAR_LIMIT };
}

export function fetchEmbeddings(signal?: AbortSignal): Promise<EmbeddingInfo[]> {
  return requestJson('/embeddings', embeddingsResponseSchema, { signal });
}
