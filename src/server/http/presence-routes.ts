import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_GALLERY_ID_LENGTH, MAX_PRESENCE_NAME_LENGTH, presenceHeartbeatSchema, presenceLeaveSchema } from '../../protocol/presence.js';
import { canonicalPath } from '../../protocol/paths.js';
import { isAuthenticated } from '../accounts/principal.js';
import { AppError } from '../app-error.js';
import type { PresenceTracker } from '../events/presence.js';
import { principalOf } from './auth/principal-of.js';
import { stringParam, type Query } from './query-params.js';
import { refuse } from './rate-limit.js';
import { parseBody, userHeader } from './request-input.js';

const MAX_BEACON_BYTES = 16 * 1024;
/** A presence entry expires 15 s after its last heartbeat. */
const PRESENCE_FULL_RETRY_S = 15;

/** Presence heartbeats, leave (also from `navigator.sendBeacon`) and counts. */
export async function registerPresenceRoutes(app: FastifyInstance, presence: PresenceTracker): Promise<void> {

  app.post('/presence', async (req, reply) => {
    const body = parseBody(presenceHeartbeatSchema, req.body);
    const counts = presence.heartbeat(body.gallery_id, body.client_id, body.status, body.token, presenceName(req, body.name), openItem(body.item));
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

/** The item a heartbeat says is open, canonical; a path that is not one is refused. */
function openItem(raw: string | null | undefined): string | null {
  if (raw === undefined || raw === null) return null;
  const path = canonicalPath(raw);
  if (!path.ok) throw new AppError('invalid_body', `item: ${path.reason}`, { field: 'item' });
  return path.path;
}

/**
 * The name others see: the account's when the request is authenticated (a client can't claim
 * another), else the X-Lenslet-User header or the body's `name`, else none (counted, not listed).
 */
function presenceName(req: FastifyRequest, bodyName: string | undefined): string | null {
  const principal = principalOf(req);
  if (isAuthenticated(principal)) return principal.name;
  const header = userHeader(req)?.trim();
  if (header && header.length > MAX_PRESENCE_NAME_LENGTH) {
    throw new AppError('invalid_parameter', `X-Lenslet-User is longer than ${MAX_PRESENCE_NAME_LENGTH} characters`, { field: 'X-Lenslet-User' });
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a name is shown to others: no control characters
  const name = (header || bodyName)?.replace(/[\x00-\x1f\x7f]/g, '').replace(/\s+/g, ' ').trim();
  return name || null;
}

function parseJsonText(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw.trim() === '') throw new AppError('invalid_body', 'expected a JSON body');
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError('invalid_body', 'the body is not valid JSON');
  }
}
