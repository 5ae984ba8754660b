import type { FastifyInstance } from 'fastify';
import type { ThumbnailService } from '../media/thumbnail-service.js';
import { sendGenerated } from './generated-reply.js';
import type { ItemLookup } from './item-lookup.js';
import { pathParam, type Query } from './query-params.js';

/**
 * `GET /thumb`. With a `v` parameter (any value that changes with the image, e.g. its
 * `added_at`) the URL is immutable; without, browsers revalidate with the ETag (a cheap 304).
 * The browser cancels thumbnails scrolled out of view, which drops their jobs.
 */
export function registerThumbRoutes(app: FastifyInstance, items: ItemLookup, thumbnails: ThumbnailService): void {
  app.get('/thumb', async (request, reply) => {
    const id = await items.requireImage(pathParam(request.query as Query));
    return sendGenerated(request, reply, thumbnails.keyOf(id), async (signal) => ({
      body: (await thumbnails.get(id, signal)).body,
      type: 'image/webp',
    }));
  });
}
