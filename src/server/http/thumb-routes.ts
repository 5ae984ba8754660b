import type { FastifyInstance } from 'fastify';
import { AbortedError, type ThumbnailService } from '../media/thumbnail-service.js';
import type { ItemLookup } from './item-lookup.js';
import { pathParam, type Query } from './query-params.js';

/**
 * `GET /thumb`. With a `v` parameter (any value that changes with the image, e.g. its
 * `added_at`) the URL is immutable; without, browsers revalidate with the ETag (a cheap 304).
 */
export function registerThumbRoutes(app: FastifyInstance, items: ItemLookup, thumbnails: ThumbnailService): void {
  app.get('/thumb', async (request, reply) => {
    const query = request.query as Query;
    const id = await items.requireImage(pathParam(query));
    const etag = `"${thumbnails.keyOf(id)}"`;
    reply.header('ETag', etag);
    reply.header('Cache-Control', query.v !== undefined ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();

    // The browser cancels thumbnails scrolled out of view: stop waiting, and drop the job if
    // nobody else wants it.
    const gone = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) gone.abort();
    });
    try {
      const { body } = await thumbnails.get(id, gone.signal);
      return reply.type('image/webp').send(body);
    } catch (error) {
      if (error instanceof AbortedError) return reply.code(204).send();
      throw error;
    }
  });
}
