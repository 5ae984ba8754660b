import type { FastifyInstance } from 'fastify';
import type { LabelService } from '../labels/label-service.js';
import { historyLimit, patchItemInput, patchItemsInput, putItemInput } from './label-requests.js';
import { pathParam, type Query } from './query-params.js';
import { labelWriteReply, sendWrite } from './replies.js';
import { actorOf, idempotencyKey } from './request-input.js';

/** Item labels: read, full replace, partial update, batch update, history. */
export function registerLabelRoutes(app: FastifyInstance, labels: LabelService): void {
  app.get('/item', async (req, reply) => {
    const sidecar = await labels.getItem(pathParam(req.query as Query));
    reply.header('etag', `"${sidecar.version}"`);
    return sidecar;
  });

  // The item is looked up before the headers and body are read, so a write to a missing image is a 404 first.
  app.put('/item', async (req, reply) => {
    const path = labels.requireItem(pathParam(req.query as Query));
    const key = idempotencyKey(req);
    const { labels: fields, base } = putItemInput(req);
    const { outcome, replayed } = await labels.putItem(path, fields, base, { key, actor: actorOf(req) });
    return sendWrite(reply, labelWriteReply(outcome), replayed);
  });

  app.patch('/item', async (req, reply) => {
    const path = labels.requireItem(pathParam(req.query as Query));
    const key = idempotencyKey(req);
    const { patch, base } = patchItemInput(req);
    const { outcome, replayed } = await labels.patchItem(path, patch, base, { key, actor: actorOf(req) });
    return sendWrite(reply, labelWriteReply(outcome), replayed);
  });

  app.patch('/items', async (req, reply) => {
    const key = idempotencyKey(req);
    const entries = patchItemsInput(req.body);
    const { outcome, replayed } = await labels.patchItems(entries, { key, actor: actorOf(req) });
    return sendWrite(reply, labelWriteReply(outcome), replayed);
  });

  app.get('/item/history', async (req) => {
    const query = req.query as Query;
    const path = labels.requireItem(pathParam(query));
    return labels.history(path, historyLimit(query.limit));
  });
}
