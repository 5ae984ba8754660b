import type { FastifyInstance } from 'fastify';
import { presenceHeartbeatSchema, presenceLeaveSchema } from '../../protocol/presence.js';
import { AppError } from '../app-error.js';
import type { PresenceTracker } from '../events/presence.js';
import { stringParam, type Query } from './query-params.js';
import { parseBody } from './request-input.js';

const MAX_BEACON_BYTES = 16 * 1024;

/** Presence heartbeats, leave (also from `navigator.sendBeacon`) and counts. */
export async function registerPresenceRoutes(app: FastifyInstance, presence: PresenceTracker): Promise<void> {

  app.post('/presence', async (req) => {
    const body = parseBody(presenceHeartbeatSchema, req.body);
    return presence.heartbeat(body.gallery_id, body.client_id, body.status);
  });

  app.get('/presence', async (req) => presence.counts(stringParam(req.query as Query, 'gallery_id')));

  // sendBeacon posts text/plain, a Blob of any type, or no type at all: in this scope only,
  // every body is read as text and parsed as JSON here.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BEACON_BYTES }, (_req, body, done) => done(null, body));
    scope.post('/presence/leave', async (req) => {
      const body = parseBody(presenceLeaveSchema, parseJsonText(req.body));
      const counts = presence.leave(body.client_id, body.gallery_id);
      return { client_id: body.client_id, counts };
    });
  });
}

function parseJsonText(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw.trim() === '') throw new AppError('invalid_body', 'expected a JSON body');
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError('invalid_body', 'the body is not valid JSON');
  }
}
