import type { FastifyInstance } from 'fastify';
import type { LabelService } from '../labels/label-service.js';
import { historyLimit, patchItemInput, patchItemsInput, putItemInput } from './label-requests.js';
import { pathParam, type Query } from './query-params.js';
import { labelWriteReply, sendWrite } from './replies.js';
import { actorOf, idempotencyKey } from './request-input.js';

/** Makes the catalog hold the items a request names, or says why it can't yet (http/item-lookup.ts). */
export interface ItemSettler {
  settle(paths: Iterable<string>): Promise<void>;
}

/** Item labels: read, full replace, partial update, batch update, history. */
export function registerLabelRoutes(app: FastifyInstance, labels: LabelService, items: ItemSettler): void {
  app.get('/item', async (req, reply) => {
    const path = pathParam(req.query as Query);
    await items.settle([path]);
    const sidecar = await labels.getItem(path);
    reply.header('etag', `"${sidecar.version}"`);
    return sidecar;
  });

  // The item is looked up before the headers and body are read, so a write to a missing image is a 404 first.
  app.put('/item', async (req, reply) => {
    const path = labels.requireItem(await settled(items, pathParam(req.query as Query)));
    const key = idempotencyKey(req);
    const { labels: fields, base } = putItemInput(req);
    const { outcome, replayed } = await labels.putItem(path, fields, base, { key, actor: actorOf(req) });
    return sendWrite(reply, labelWriteReply(outcome), replayed);
  });

  app.patch('/item', async (req, reply) => {
    const path = labels.requireItem(await settled(items, pathParam(req.query as Query)));
    const key = idempotencyKey(req);
    const { patch, base } = patchItemInput(req);
    const { outcome, replayed } = await labels.patchItem(path, patch, base, { key, actor: actorOf(req) });
    return sendWrite(reply, labelWriteReply(outcome), replayed);
  });

  app.patch('/items', async (req, reply) => {
    const key = idempotencyKey(req);
    const entries = patchItemsInput(req.body);
    await items.settle(entries.map((e) => e.path));
    const { outcome, replayed } = await labels.patchItems(entries, { key, actor: actorOf(req) });
    return sendWrite(reply, labelWriteReply(outcome), replayed);
  });

  app.get('/item/history', async (req) => {
    const query = req.query as Query;
    const path = labels.requireItem(await settled(items, pathParam(query)));
    return labels.history(path, historyLimit(query.limit));
  });
}

async function settled(items: ItemSettler, path: string): Promise<string> {
  await items.settle([path]);
  return path;
}
