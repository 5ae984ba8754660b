import type { FastifyInstance } from 'fastify';
import { metricsProgressBodySchema } from '../../protocol/label-writes.js';
import type { ChangeFeed } from '../events/change-feed.js';
import { normalizeGalleryId } from '../events/presence.js';
import type { LabelService } from '../labels/label-service.js';
import { putMetricsInput } from './label-requests.js';
import type { ItemSettler } from './label-routes.js';
import { labelWriteReply, sendWrite } from './replies.js';
import { actorOf, optionalIdempotencyKey, parseBody } from './request-input.js';

/** External metric workers: attach numeric metrics, report progress. */
export function registerMetricsRoutes(app: FastifyInstance, labels: LabelService, feed: ChangeFeed, items: ItemSettler): void {
  app.put('/metrics', async (req, reply) => {
    const entries = putMetricsInput(req.body);
    await items.settle(entries.map((e) => e.path));
    const { outcome, replayed } = await labels.putMetrics(entries, { key: optionalIdempotencyKey(req), actor: actorOf(req) });
    return sendWrite(reply, labelWriteReply(outcome), replayed);
  });

  app.post('/metrics/progress', async (req) => {
    const body = parseBody(metricsProgressBodySchema, req.body);
    // Ephemeral: broadcast to connected clients, not written to the event log.
    const data = { gallery_id: normalizeGalleryId(body.gallery_id), percent: body.percent, message: body.message };
    feed.publish({ id: null, type: 'metrics-progress', data });
    return { ok: true };
  });
}
