import type { FastifyInstance } from 'fastify';
import { putViewsBodySchema } from '../../protocol/views.js';
import { fingerprint } from '../lib/idempotency.js';
import type { ViewsStore } from '../views/views-store.js';
import { principalOf } from './auth/principal-of.js';
import { sendWrite, viewsWriteReply } from './replies.js';
import { baseVersion, idempotencyKey, parseBody } from './request-input.js';

/**
 * `GET /views` and the versioned `PUT /views` (If-Match or body `version`, Idempotency-Key), both
 * limited to the views the caller may see.
 */
export function registerViewsRoutes(app: FastifyInstance, views: ViewsStore): void {
  app.get('/views', async (request, reply) => {
    const doc = views.get(principalOf(request));
    reply.header('etag', `"${doc.version}"`);
    return doc;
  });

  app.put('/views', async (request, reply) => {
    const key = idempotencyKey(request);
    const body = parseBody(putViewsBodySchema, request.body);
    const base = baseVersion(request, body.version);
    const by = principalOf(request);
    const { outcome, replayed } = await views.put({ views: body.views, base, key, fingerprint: fingerprint({ base, views: body.views }), by });
    return sendWrite(reply, viewsWriteReply(outcome), replayed);
  });
}
