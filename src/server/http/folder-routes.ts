import type { FastifyInstance } from 'fastify';
import { MAX_WINDOW, SORT_KEYS, type ListingIndexing } from '../../protocol/folders.js';
import { AppError } from '../app-error.js';
import type { DatasetSource } from '../datasets/dataset-source.js';
import type { ListingService } from '../query/listing-service.js';
import { indexingError } from './item-lookup.js';
import { requestsFirst } from './requests-first.js';
import { boolParam, enumParam, intParam, pathParam, stringParam, type Query } from './query-params.js';

/** Listings, search and refresh: everything that reads or rescans the tree. */
export function registerFolderRoutes(app: FastifyInstance, ctx: { listing: ListingService; source: DatasetSource }): void {
  const { source } = ctx;
  const first = { onRequest: requestsFirst(ctx.listing.engine) };
  app.get('/folders', first, async (request) => {
    const query = request.query as Query;
    const listing = {
      path: pathParam(query, 'path', '/'),
      offset: intParam(query, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 }),
      // limit=0 asks for the folder's subfolders and total only (the tree's lazy expansion).
      limit: intParam(query, 'limit', { min: 0, max: MAX_WINDOW, fallback: 500 }),
      around: query.around === undefined ? undefined : pathParam(query, 'around', '/'),
      sort: enumParam(query, 'sort', SORT_KEYS, 'name'),
      order: enumParam(query, 'order', ['asc', 'desc'] as const, 'asc'),
      recursive: boolParam(query, 'recursive', false),
      seed: intParam(query, 'seed', { min: 0, max: 2 ** 32 - 1, fallback: 0 }),
    };
    if (listing.limit > 0) await ctx.listing.prepare({ key: listing.sort, seed: listing.seed }, listing);
    const progress = indexingProgress(source);
    if (!progress) return ctx.listing.list(listing);
    // While indexing, the folder and its subfolders are also looked for on disk: an existing
    // folder is never called missing, and the tree shows folders before their images are indexed.
    const found = await source.lookup(listing.path);
    const partial = ctx.listing.listPartial(listing, found?.kind === 'folder' ? found.dirs : undefined);
    if (partial) return { ...partial, indexing: indexingProgress(source) ?? progress };
    if (!indexingProgress(source)) return ctx.listing.list(listing); // finished meanwhile: the catalog decides
    throw indexingError(source);
  });

  app.get('/search', first, async (request) => {
    const query = request.query as Query;
    const q = stringParam(query, 'q');
    const path = pathParam(query, 'path', '/');
    const limit = intParam(query, 'limit', { min: 1, max: MAX_WINDOW, fallback: 100 });
    await ctx.listing.prepare({ key: 'name' });
    return whileIndexing(source, () => ctx.listing.search(q, path, limit));
  });

  app.post('/refresh', async (request) => {
    const path = pathParam(request.query as Query, 'path', '/');
    const result = await source.refresh(path);
    return { ok: true, ...result };
  });
}

/** The progress to mark a partial listing with; undefined once indexing is done. */
export function indexingProgress(source: DatasetSource): ListingIndexing | undefined {
  const p = source.progress();
  return p.state === 'running' ? { done: p.done, total: p.total } : undefined;
}

/** Runs a listing; a folder the catalog does not hold yet is `indexing` (503), not missing, while indexing. */
export function whileIndexing<T>(source: DatasetSource, list: () => T): T {
  try {
    return list();
  } catch (error) {
    if (error instanceof AppError && error.code === 'folder_not_found' && indexingProgress(source)) throw indexingError(source);
    throw error;
  }
}
