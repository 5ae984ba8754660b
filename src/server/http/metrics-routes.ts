import type { FastifyInstance } from 'fastify';
import { metricsProgressSchema } from '../../protocol/events.js';
import type { ChangeFeed } from '../events/change-feed.js';
import { normalizeGalleryId } from '../events/presence.js';
import { parseBody } from '../labels/label-input.js';
import type { LabelService } from '../labels/label-service.js';
import { send, writeContext } from './label-routes.js';

export interface MetricsRouteDeps {
  labels: LabelService;
  feed: ChangeFeed;
}

const progressBodySchema = metricsProgressSchema.extend({
  percent: metricsProgressSchema.shape.percent.min(0).max(100),
  message: metricsProgressSchema.shape.message.max(500),
});

/** External metric workers: attach numeric metrics, report progress. */
export function registerMetricsRoutes(app: FastifyInstance, deps: MetricsRouteDeps): void {
  app.put('/metrics', async (req, reply) => send(reply, await deps.labels.putMetrics(req.body, writeContext(req))));

  app.post('/metrics/progress', async (req) => {
    const body = parseBody(progressBodySchema, req.body);
    // Ephemeral: broadcast to connected clients, not written to the event log.
    const data = { gallery_id: normalizeGalleryId(body.gallery_id), percent: body.percent, message: body.message };
    deps.feed.publish({ id: null, type: 'metrics-progress', data });
    return { ok: true };
  });
}
