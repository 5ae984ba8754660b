import type { FastifyInstance } from 'fastify';
import { MAX_WINDOW, SORT_KEYS } from '../../protocol/folders.js';
import type { DatasetSource } from '../datasets/dataset-source.js';
import type { ListingService } from '../query/listing-service.js';
import { boolParam, enumParam, intParam, pathParam, stringParam, type Query } from './query-params.js';

/** Listings, search and refresh: everything that reads or rescans the tree. */
export function registerFolderRoutes(app: FastifyInstance, ctx: { listing: ListingService; source: DatasetSource }): void {
  app.get('/folders', async (request) => {
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
    if (listing.limit > 0) await ctx.listing.prepare({ key: listing.sort });
    return ctx.listing.list(listing);
  });

  app.get('/search', async (request) => {
    const query = request.query as Query;
    const q = stringParam(query, 'q');
    const path = pathParam(query, 'path', '/');
    const limit = intParam(query, 'limit', { min: 1, max: MAX_WINDOW, fallback: 100 });
    await ctx.listing.prepare({ key: 'name' });
    return ctx.listing.search(q, path, limit);
  });

  app.post('/refresh', async (request) => {
    const path = pathParam(request.query as Query, 'path', '/');
    const result = await ctx.source.refresh(path);
    return { ok: true, ...result };
  });
}
