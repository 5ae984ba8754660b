import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TrustedProxies } from './access-options.js';

export const SESSION_COOKIE = 'lenslet_session';
const MAX_AGE_S = 30 * 24 * 60 * 60;

/**
 * The session cookie's value, if the request carries one. By hand rather than @fastify/cookie: the
 * server reads and writes this one opaque, unsigned cookie (the secret is its own proof, checked
 * against a hash), and the plugin would parse every cookie of every request, images included.
 */
export function sessionSecret(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value || undefined;
    }
  }
  return undefined;
}

/** HttpOnly (no script reads it), SameSite=Lax (no other site's POST carries it), Secure over https. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string, trusted: TrustedProxies): void {
  reply.header('set-cookie', cookie(secret, MAX_AGE_S, isHttps(request, trusted)));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, trusted: TrustedProxies): void {
  reply.header('set-cookie', cookie('', 0, isHttps(request, trusted)));
}

function cookie(value: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

/** Served over TLS, or behind a trusted proxy that says its client used https. */
export function isHttps(request: FastifyRequest, trusted: TrustedProxies): boolean {
  if ((request.raw.socket as { encrypted?: boolean }).encrypted) return true;
  const proto = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https' && trusted.has(request.socket.remoteAddress);
}

/** The client's address: the socket's, or the one a trusted proxy forwarded for. */
export function clientAddress(request: FastifyRequest, trusted: TrustedProxies): string {
  const socket = request.socket.remoteAddress ?? request.ip;
  const forwarded = request.headers['x-forwarded-for'];
  const value = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
  if (!value || !trusted.has(socket)) return socket;
  // The nearest hop is the one our proxy appended: earlier entries are whatever the client claimed.
  return value.split(',').at(-1)!.trim() || socket;
}

/** The page's base URL as the browser sees it, for invite links. */
export function publicBase(request: FastifyRequest, trusted: TrustedProxies): string {
  return `${isHttps(request, trusted) ? 'https' : 'http'}://${request.headers.host ?? 'localhost'}`;
}
