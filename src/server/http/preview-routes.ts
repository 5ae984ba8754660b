import type { FastifyInstance } from 'fastify';
import { MAX_PREVIEW_WIDTH } from '../../protocol/media.js';
import { AppError } from '../app-error.js';
import type { RenditionService } from '../media/rendition-service.js';
import { sendGenerated } from './generated-reply.js';
import type { ItemLookup } from './item-lookup.js';
import { intParam, pathParam, type Query } from './query-params.js';

/**
 * `GET /preview?path=&w=`: a screen-sized rendition (media/SPEC.md RN…). Cached like `/thumb`:
 * with `v` the URL is immutable, without it the ETag (the cache key) revalidates; a pane closed
 * before its rendition was made drops the job.
 */
export function registerPreviewRoutes(app: FastifyInstance, items: ItemLookup, renditions: RenditionService): void {
  app.get('/preview', async (request, reply) => {
    const query = request.query as Query;
    const path = pathParam(query);
    if (query.w === undefined || query.w === '') throw new AppError('missing_parameter', '"w" (the width in device pixels) is required');
    const width = intParam(query, 'w', { min: 1, max: MAX_PREVIEW_WIDTH, fallback: 0 });
    const id = await items.requireImage(path);
    return sendGenerated(request, reply, renditions.keyOf(id, width), (signal) => renditions.get(id, width, signal));
  });
}
