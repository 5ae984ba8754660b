import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LabelService, WriteContext, WriteResponse } from '../labels/label-service.js';
import { pathParam, type Query } from './query-params.js';

export interface LabelRouteDeps {
  labels: LabelService;
}

/** Item labels: read, full replace, partial update, batch update, history. */
export function registerLabelRoutes(app: FastifyInstance, deps: LabelRouteDeps): void {
  const { labels } = deps;

  app.get('/item', async (req, reply) => {
    const sidecar = await labels.getItem(pathParam(req.query as Query));
    reply.header('etag', `"${sidecar.version}"`);
    return sidecar;
  });

  app.put('/item', async (req, reply) => send(reply, await labels.putItem(pathParam(req.query as Query), req.body, writeContext(req))));

  app.patch('/item', async (req, reply) => send(reply, await labels.patchItem(pathParam(req.query as Query), req.body, writeContext(req))));

  app.patch('/items', async (req, reply) => send(reply, await labels.patchItems(req.body, writeContext(req))));

  app.get('/item/history', async (req) => {
    const query = req.query as Query;
    return labels.history(pathParam(query), query['limit']);
  });
}

export function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function writeContext(req: FastifyRequest): WriteContext {
  return {
    idempotencyKey: header(req, 'idempotency-key'),
    ifMatch: header(req, 'if-match'),
    user: userHeader(req),
    clientId: header(req, 'x-client-id'),
  };
}

/**
 * Header values are Latin-1 on the wire, so browsers send a display name like "Zoë" or "佐藤"
 * percent-encoded; decode it so history says who, not "Zo%C3%AB".
 */
export function userHeader(req: FastifyRequest): string | undefined {
  const raw = header(req, 'x-lenslet-user');
  if (raw === undefined || !/%[0-9a-fA-F]{2}/.test(raw)) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // not valid percent-encoding: take it as typed
  }
}

/** Sends a write outcome (fresh or replayed from the idempotency cache) as it was recorded. */
export function send(reply: FastifyReply, response: WriteResponse): unknown {
  reply.code(response.status);
  if (response.replayed) reply.header('idempotency-replayed', 'true');
  const body = response.body as { version?: unknown };
  if (response.status === 200 && typeof body.version === 'number') reply.header('etag', `"${body.version}"`);
  return response.body;
}
