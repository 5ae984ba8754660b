import type { FastifyInstance } from 'fastify';

const ALLOWED_HEADERS = 'authorization, content-type, if-match, idempotency-key, last-event-id, x-client-id, x-lenslet-user';
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';

/**
 * `--cors-origin`: that one origin (say, a notebook or dashboard on another port) may call the API
 * with credentials. Without the option no CORS header is ever sent, so browsers keep other pages
 * from reading any answer. Preflights are answered here, before the access check (they carry no
 * credentials by design). By hand rather than @fastify/cors: one exact origin and a fixed header
 * list is all there is, and it must run before the access check, in the same hook order as the
 * boundary guards.
 */
export function registerCors(app: FastifyInstance, origin: string | null): void {
  if (origin === null) return;
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.origin !== origin) return;
    reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      return reply
        .code(204)
        .header('access-control-allow-methods', ALLOWED_METHODS)
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', '600')
        .send();
    }
  });
}
