import type { FastifyInstance } from 'fastify';

/**
 * The web app's policy. The built app (dist/web) is one bundled script and one stylesheet from
 * /assets, React sets styles through the CSSOM (which `style-src` does not govern), thumbnails are
 * blob: URLs, the favicon is a data: URL, and every request goes to this origin.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Every other answer (JSON, images, exports, the event stream): nothing in it may run or load
 * anything, should a browser ever render one as a document.
 */
export const LOCKED_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox";

const COMMON: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // `same-origin`, not `no-referrer`: under `no-referrer` a same-origin `sendBeacon` (no-cors) carries
  // `Origin: null`, which the cross-site guard must refuse.
  'referrer-policy': 'same-origin',
  'content-security-policy': LOCKED_CSP,
};

/**
 * Security headers on every answer. Written by hand because @fastify/helmet is not installed (and
 * four headers do not need it). They go on the raw response in `onRequest`, so that answers sent
 * past fastify (the hijacked event stream) and error answers carry them too; `onSend`, which sees
 * the content type, gives HTML the app's policy instead.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (_request, reply) => {
    for (const [name, value] of Object.entries(COMMON)) reply.raw.setHeader(name, value);
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) reply.header('content-security-policy', APP_CSP);
    return payload;
  });
}
