import type { FastifyInstance } from 'fastify';
import { MAX_CLIENT_ID_LENGTH, MAX_GALLERY_ID_LENGTH } from '../../protocol/presence.js';
import { AppError } from '../app-error.js';
import { normalizeGalleryId, type PresenceTracker } from '../events/presence.js';
import type { SseHub } from '../events/sse-hub.js';
import { principalOf } from './auth/principal-of.js';
import { clientKey, refuse } from './rate-limit.js';
import { header } from './request-input.js';

/** How long a refused stream is asked to wait: streams end and replays finish within seconds. */
const STREAM_RETRY_AFTER_S = 5;

/**
 * `GET /events`: the SSE stream. Resumes after `Last-Event-ID` (header or `?last_event_id=`; the
 * larger wins). Presence comes for the gallery of `?client_id=` (the presence client id, followed
 * as it moves) or a fixed `?gallery_id=`; a stream with neither gets every gallery's, as in the spec.
 */
export function registerEventRoutes(app: FastifyInstance, hub: SseHub, presence: PresenceTracker): void {
  app.get('/events', (req, reply) => {
    const query = req.query as Record<string, unknown>;
    const fromHeader = parseEventId(header(req, 'last-event-id'));
    const fromQuery = parseEventId(query.last_event_id);
    let last: number | null | 'invalid';
    if (fromHeader === 'invalid' || fromQuery === 'invalid') last = 'invalid';
    else if (fromHeader === null) last = fromQuery;
    else last = fromQuery === null ? fromHeader : Math.max(fromHeader, fromQuery);
    const clientId = boundedParam(query, 'client_id', MAX_CLIENT_ID_LENGTH);
    const galleryId = boundedParam(query, 'gallery_id', MAX_GALLERY_ID_LENGTH);
    const key = clientKey(req);
    const refusal = hub.admit(key, last !== null);
    if (refusal) refuse(reply, STREAM_RETRY_AFTER_S, refusal);
    let accepts: ((gallery: string) => boolean) | undefined;
    if (galleryId !== undefined) {
      const gallery = normalizeGalleryId(galleryId);
      accepts = (g) => g === gallery;
    } else if (clientId !== undefined) {
      accepts = (g) => presence.isIn(clientId, g);
    }
    reply.hijack();
    hub.attach(req.raw, reply.raw, last, { key, accepts, principal: principalOf(req) });
  });
  // Streams never end by themselves: end them before the server waits for its connections.
  app.addHook('preClose', (done) => {
    hub.close();
    done();
  });
}

function boundedParam(query: Record<string, unknown>, name: string, max: number): string | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw new AppError('invalid_parameter', `${name} must be given once`, { field: name });
  if (raw.length > max) throw new AppError('invalid_parameter', `${name} is longer than ${max} characters`, { field: name });
  return raw;
}

function parseEventId(raw: unknown): number | null | 'invalid' {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw.trim())) return 'invalid';
  const id = Number(raw.trim());
  return Number.isSafeInteger(id) ? id : 'invalid';
}
