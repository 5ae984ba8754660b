import type { FastifyInstance } from 'fastify';

/**
 * How long a client may take, and how many may be connected: a client trickling its headers or
 * body, or holding idle connections, must not keep sockets forever. SSE streams are exempt from
 * the idle timeout (they are idle by design between events) and capped by the hub instead.
 */
export interface ConnectionLimits {
  /** Until every header has arrived. Default 10 s. */
  headersTimeoutMs?: number;
  /** Until the whole request (headers and body) has arrived. Default 30 s. */
  requestTimeoutMs?: number;
  /** A socket with no traffic either way this long is closed. Default 60 s. */
  idleTimeoutMs?: number;
  /** An idle keep-alive connection between requests. Default 10 s. */
  keepAliveTimeoutMs?: number;
  /** Connections at once, SSE streams included; further ones are closed on arrival. Default 2,048. */
  maxConnections?: number;
}

export const DEFAULT_CONNECTION_LIMITS: Required<ConnectionLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  keepAliveTimeoutMs: 10_000,
  maxConnections: 2048,
};

/** The fastify (and Node http) options that carry the limits. */
export function connectionOptions(given: ConnectionLimits = {}) {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...given };
  const requestTimeout = limits.requestTimeoutMs;
  // Node refuses a header timeout above the request timeout.
  const headersTimeout = Math.min(limits.headersTimeoutMs, requestTimeout);
  return {
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout,
    http: {
      headersTimeout,
      // Node checks the two timeouts above on this interval (30 s by default: far too coarse).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
    },
  };
}

export function applyConnectionCap(app: FastifyInstance, given: ConnectionLimits = {}): void {
  app.server.maxConnections = given.maxConnections ?? DEFAULT_CONNECTION_LIMITS.maxConnections;
}
