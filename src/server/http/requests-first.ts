import type { onRequestHookHandler } from 'fastify';
import type { QueryEngine } from '../query/query-engine.js';

/**
 * A route hook: from the request's arrival to its answer, the engine's background work (order
 * builds, warm-up) waits between its slices (query SPEC OB4). Only the listing routes: a held-open
 * event stream or a burst of thumbnails would otherwise keep the builds waiting.
 */
export function requestsFirst(engine: QueryEngine): onRequestHookHandler {
  return (_request, reply, done) => {
    const finished = engine.requestStarted();
    // `close` follows the answer or a client that left; `finish` too, for injected requests.
    reply.raw.once('finish', finished);
    reply.raw.once('close', finished);
    done();
  };
}
