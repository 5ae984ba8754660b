import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAuthenticated } from '../accounts/principal.js';
import { AppError } from '../app-error.js';
import { header } from './request-input.js';

/**
 * Per-client rate limits: token buckets answering 429 `rate_limited` with Retry-After, which the
 * web's write queue and event stream already honour. @fastify/rate-limit would be the maintained
 * choice, but it is not installed and dependencies cannot be added here; this is the small part of
 * it Lenslet needs (in-memory buckets, a bounded key table, per-route classes).
 */

/** `perSecond` tokens refill continuously up to `burst`; a request takes one. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

export type RateClass = 'write' | 'expensive' | 'replay' | 'presence';

/** Per class: a limit, or false for none. */
export type RateLimitOptions = Partial<Record<RateClass, RateLimit | false>> & {
  /** Clients remembered at once; the least recently seen is forgotten first. Default 10,000. */
  maxClients?: number;
  now?: () => number;
};

/**
 * Generous: the web sends a 500-item batch as one request, a person rates a few items a second,
 * and a browser reconnecting its event stream backs off. Only a runaway or hostile client gets 429.
 */
export const DEFAULT_RATE_LIMITS: Record<RateClass, RateLimit> = {
  write: { perSecond: 200, burst: 1000 },
  expensive: { perSecond: 2, burst: 20 },
  replay: { perSecond: 2, burst: 30 },
  presence: { perSecond: 10, burst: 60 },
};

/** Which class a route is in, by method and route pattern. */
const ROUTE_CLASSES: Record<string, RateClass> = {
  'PUT /item': 'write',
  'PATCH /item': 'write',
  'PATCH /items': 'write',
  'PUT /metrics': 'write',
  'POST /metrics/progress': 'write',
  'PUT /views': 'write',
  'POST /refresh': 'expensive',
  'GET /export': 'expensive',
  'POST /export/comparison': 'expensive',
  'POST /presence': 'presence',
  'POST /presence/leave': 'presence',
};

class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly maxClients: number,
    private readonly now: () => number,
  ) {}

  /** Takes a token for `key`: 0 when granted, else the seconds until one is available. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    this.buckets.delete(key); // re-inserted last: the Map's order is least recently seen first
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    let wait = 0;
    if (bucket.tokens >= 1) bucket.tokens -= 1;
    else wait = Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond));
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    return wait;
  }
}

export class RateLimiter {
  private readonly classes = new Map<RateClass, TokenBuckets>();

  constructor(options: RateLimitOptions = {}) {
    const now = options.now ?? Date.now;
    for (const name of Object.keys(DEFAULT_RATE_LIMITS) as RateClass[]) {
      const limit = options[name] === undefined ? DEFAULT_RATE_LIMITS[name] : options[name];
      if (limit) this.classes.set(name, new TokenBuckets(limit, options.maxClients ?? 10_000, now));
    }
  }

  /** 0 when `key` may go on, else the seconds to wait. */
  take(name: RateClass, key: string): number {
    return this.classes.get(name)?.take(key) ?? 0;
  }
}

/**
 * Whose bucket a request drains: the signed-in user or token (one person's tabs share it, and a
 * client id cannot be varied to get more), else its client id (the web sends one on every write,
 * the event stream as `?client_id=`), else its claimed user name, else its address.
 */
export function clientKey(req: FastifyRequest): string {
  const principal = req.principal;
  if (principal && isAuthenticated(principal)) return principal.tokenId ? `token:${principal.tokenId}` : `user:${principal.userId ?? principal.name}`;
  const query = req.query as Record<string, unknown> | undefined;
  const fromQuery = typeof query?.client_id === 'string' ? query.client_id : undefined;
  const id = (fromQuery ?? header(req, 'x-client-id') ?? header(req, 'x-lenslet-user'))?.trim();
  return id ? `id:${id.slice(0, 200)}` : `ip:${req.ip}`;
}

/** Answers 429 `rate_limited` with Retry-After (seconds). */
export function refuse(reply: FastifyReply, retryAfterS: number, message: string): never {
  reply.header('retry-after', String(retryAfterS));
  throw new AppError('rate_limited', message, { retry_after_s: retryAfterS });
}

/** Limits writes, presence, `/refresh`, `/export` and event replays, per client. */
export function installRateLimits(app: FastifyInstance, limiter: RateLimiter): void {
  app.addHook('onRequest', async (req, reply) => {
    const name = rateClassOf(req);
    if (!name) return;
    const wait = limiter.take(name, clientKey(req));
    if (wait > 0) refuse(reply, wait, `too many requests of this kind from this client: retry in ${wait} s`);
  });
}

function rateClassOf(req: FastifyRequest): RateClass | undefined {
  const route = req.routeOptions.url;
  if (route === '/events') {
    const query = req.query as Record<string, unknown> | undefined;
    return header(req, 'last-event-id') || query?.last_event_id ? 'replay' : undefined;
  }
  return route === undefined ? undefined : ROUTE_CLASSES[`${req.method} ${route}`];
}
