import type { FastifyRequest } from 'fastify';
import type * as z from 'zod';
import { canonicalPath } from '../../protocol/paths.js';
import { isAuthenticated } from '../accounts/principal.js';
import { AppError } from '../app-error.js';
import { resolveBaseVersion } from '../lib/idempotency.js';
import { principalOf } from './auth/principal-of.js';

/** Reading and validating what a request carries. Throws AppError (codes only, no statuses). */

export const MAX_ACTOR_LENGTH = 200;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

export function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A path given in a body field (`name` is the field, for the error). */
export function bodyPath(raw: unknown, name = 'path'): string {
  if (raw === undefined || raw === '') throw new AppError('missing_parameter', `${name} is required`, { field: name });
  const result = canonicalPath(raw);
  if (!result.ok) throw new AppError('invalid_path', `${name}: ${result.reason}`, { field: name });
  return result.path;
}

/** Parses `body` with `schema`, naming the first offending field in the error. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, where = ''): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = where + formatPath(issue.path);
  throw new AppError('invalid_body', field ? `${field}: ${issue.message}` : issue.message, {
    field: field || null,
    issues: result.error.issues.map((i) => ({ path: where + formatPath(i.path), message: i.message })),
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/**
 * Who made a change: the signed-in user, proxy user or token name when there is one (what the
 * client claims is ignored then). Without sign-in (local and open mode): X-Lenslet-User, else the
 * client id (X-Client-Id), else "web"; either one past MAX_ACTOR_LENGTH is refused, since it goes
 * into history and every event of the write.
 */
export function actorOf(req: FastifyRequest): string {
  const principal = principalOf(req);
  if (isAuthenticated(principal)) return principal.name;
  const fields = [
    ['X-Lenslet-User', userHeader(req)],
    ['X-Client-Id', header(req, 'x-client-id')],
  ] as const;
  for (const [field, candidate] of fields) {
    const v = candidate?.trim();
    if (v && v.length > MAX_ACTOR_LENGTH) throw new AppError('invalid_parameter', `${field} is longer than ${MAX_ACTOR_LENGTH} characters`, { field });
  }
  for (const [, candidate] of fields) {
    const v = candidate?.trim();
    if (v) return v;
  }
  return 'web';
}

/**
 * Header values are Latin-1 on the wire, so browsers send a display name like "Zoë" or "佐藤"
 * percent-encoded; decode it so history says who, not "Zo%C3%AB".
 */
export function userHeader(req: FastifyRequest): string | undefined {
  const raw = header(req, 'x-lenslet-user');
  if (raw === undefined || !/%[0-9a-fA-F]{2}/.test(raw)) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // not valid percent-encoding: take it as typed
  }
}

/** The Idempotency-Key every versioned write must carry. */
export function idempotencyKey(req: FastifyRequest): string {
  const key = header(req, 'idempotency-key')?.trim();
  if (!key) throw new AppError('missing_idempotency_key', 'the Idempotency-Key header is required for writes');
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new AppError('invalid_parameter', `Idempotency-Key is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`, { field: 'Idempotency-Key' });
  }
  return key;
}

/** An Idempotency-Key where it is optional (metric workers); a blank one counts as none. */
export function optionalIdempotencyKey(req: FastifyRequest): string | undefined {
  return header(req, 'idempotency-key')?.trim() ? idempotencyKey(req) : undefined;
}

/** The version a write is based on: If-Match and/or the body's field, which must agree. */
export function baseVersion(req: FastifyRequest, bodyVersion: number | undefined): number {
  return resolveBaseVersion(parseIfMatch(header(req, 'if-match')), bodyVersion);
}

/** `If-Match: 3`, `"3"` and `W/"3"` all mean version 3; anything else is unparsable. */
export function parseIfMatch(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(?:W\/)?("?)(\d{1,15})\1\s*$/.exec(raw);
  const version = m ? Number(m[2]) : Number.NaN;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new AppError('invalid_if_match', `If-Match must be a version number such as "3", got ${JSON.stringify(raw)}`);
  }
  return version;
}
