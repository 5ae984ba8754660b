import type { FastifyInstance } from 'fastify';
import { MAX_PREVIEW_WIDTH } from '../../protocol/media.js';
import { AppError } from '../app-error.js';
import { AbortedError } from '../media/thumbnail-service.js';
import type { RenditionService } from '../media/rendition-service.js';
import type { ItemLookup } from './item-lookup.js';
import { intParam, pathParam, type Query } from './query-params.js';

/**
 * `GET /preview?path=&w=`: a screen-sized rendition (media/SPEC.md RN…). Cached like `/thumb`:
 * with `v` the URL is immutable, without it the ETag (the cache key) revalidates.
 */
export function registerPreviewRoutes(app: FastifyInstance, items: ItemLookup, renditions: RenditionService): void {
  app.get('/preview', async (request, reply) => {
    const query = request.query as Query;
    const path = pathParam(query);
    if (query.w === undefined || query.w === '') throw new AppError('missing_parameter', '"w" (the width in device pixels) is required');
    const width = intParam(query, 'w', { min: 1, max: MAX_PREVIEW_WIDTH, fallback: 0 });
    const id = await items.requireImage(path);
    const etag = `"${renditions.keyOf(id, width)}"`;
    reply.header('ETag', etag);
    reply.header('Cache-Control', query.v !== undefined ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();

    // A pane closed before its rendition was made: stop waiting, and drop the job if nobody else wants it.
    const gone = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) gone.abort();
    });
    try {
      const { body, type } = await renditions.get(id, width, gone.signal);
      return reply.type(type).send(body);
    } catch (error) {
      if (error instanceof AbortedError) return reply.code(204).send();
      throw error;
    }
  });
}
