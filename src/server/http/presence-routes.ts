import type { FastifyInstance } from 'fastify';
import { MAX_GALLERY_ID_LENGTH, presenceHeartbeatSchema, presenceLeaveSchema } from '../../protocol/presence.js';
import { AppError } from '../app-error.js';
import type { PresenceTracker } from '../events/presence.js';
import { stringParam, type Query } from './query-params.js';
import { refuse } from './rate-limit.js';
import { parseBody } from './request-input.js';

const MAX_BEACON_BYTES = 16 * 1024;
/** A presence entry expires 15 s after its last heartbeat. */
const PRESENCE_FULL_RETRY_S = 15;

/** Presence heartbeats, leave (also from `navigator.sendBeacon`) and counts. */
export async function registerPresenceRoutes(app: FastifyInstance, presence: PresenceTracker): Promise<void> {

  app.post('/presence', async (req, reply) => {
    const body = parseBody(presenceHeartbeatSchema, req.body);
    const counts = presence.heartbeat(body.gallery_id, body.client_id, body.status, body.token);
    // Full: existing clients still beat; new ones wait for the stale to expire.
    return counts ?? refuse(reply, PRESENCE_FULL_RETRY_S, 'too many clients are present');
  });

  app.get('/presence', async (req) => {
    const gallery = stringParam(req.query as Query, 'gallery_id');
    if (gallery.length > MAX_GALLERY_ID_LENGTH) {
      throw new AppError('invalid_parameter', `gallery_id is longer than ${MAX_GALLERY_ID_LENGTH} characters`, { field: 'gallery_id' });
    }
    return presence.counts(gallery);
  });

  // sendBeacon posts text/plain, a Blob of any type, or no type at all: in this scope only,
  // every body is read as text and parsed as JSON here.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BEACON_BYTES }, (_req, body, done) => done(null, body));
    scope.post('/presence/leave', async (req) => {
      const body = parseBody(presenceLeaveSchema, parseJsonText(req.body));
      // Only the entry of this token ends: a beacon can end its own presence, never someone else's.
      const counts = presence.leave(body.client_id, body.gallery_id, body.token);
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
