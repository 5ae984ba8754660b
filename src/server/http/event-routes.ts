import type { FastifyInstance } from 'fastify';
import type { SseHub } from '../events/sse-hub.js';
import { header } from './request-input.js';

/** `GET /events`: the SSE stream. Resumes after `Last-Event-ID` (header or `?last_event_id=`; the larger wins). */
export function registerEventRoutes(app: FastifyInstance, hub: SseHub): void {
  app.get('/events', (req, reply) => {
    const fromHeader = parseEventId(header(req, 'last-event-id'));
    const fromQuery = parseEventId((req.query as Record<string, unknown>).last_event_id);
    let last: number | null | 'invalid';
    if (fromHeader === 'invalid' || fromQuery === 'invalid') last = 'invalid';
    else if (fromHeader === null) last = fromQuery;
    else last = fromQuery === null ? fromHeader : Math.max(fromHeader, fromQuery);
    reply.hijack();
    hub.attach(req.raw, reply.raw, last);
  });
  // Streams never end by themselves: end them before the server waits for its connections.
  app.addHook('preClose', (done) => {
    hub.close();
    done();
  });
}

function parseEventId(raw: unknown): number | null | 'invalid' {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw.trim())) return 'invalid';
  const id = Number(raw.trim());
  return Number.isSafeInteger(id) ? id : 'invalid';
}
