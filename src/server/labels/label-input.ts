import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalPath } from '../../protocol/paths.js';
import { MAX_NOTES_BYTES, MAX_TAG_LENGTH, MAX_TAGS } from '../../protocol/items.js';
import { AppError } from '../app-error.js';

/** Validation and normalisation of label writes. Throws AppError (codes only, no statuses). */

export const MAX_ACTOR_LENGTH = 200;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

export function requirePath(raw: unknown, name = 'path'): string {
  if (raw === undefined || raw === '') throw new AppError('missing_parameter', `${name} is required`, { field: name });
  const result = canonicalPath(raw);
  if (!result.ok) throw new AppError('invalid_path', `${name}: ${result.reason}`, { field: name });
  return result.path;
}

/** Who made a change: X-Lenslet-User, else the client id, else "web". */
export function actorOf(user: string | undefined, clientId: string | undefined): string {
  for (const candidate of [user, clientId]) {
    const v = candidate?.trim();
    if (v) return v.slice(0, MAX_ACTOR_LENGTH);
  }
  return 'web';
}

export function requireIdempotencyKey(raw: string | undefined): string {
  const key = raw?.trim();
  if (!key) throw new AppError('missing_idempotency_key', 'the Idempotency-Key header is required for writes');
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new AppError('invalid_parameter', `Idempotency-Key is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`, { field: 'Idempotency-Key' });
  }
  return key;
}

/** `If-Match: 3`, `"3"` and `W/"3"` all mean version 3; anything else is unparsable. */
export function parseIfMatch(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(?:W\/)?("?)(\d{1,15})\1\s*$/.exec(raw);
  const version = m ? Number(m[2]) : NaN;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new AppError('invalid_if_match', `If-Match must be a version number such as "3", got ${JSON.stringify(raw)}`);
  }
  return version;
}

/** The version a write is based on, from If-Match and/or the body; both given must agree. */
export function resolveBaseVersion(ifMatch: number | undefined, bodyVersion: number | undefined): number {
  if (ifMatch !== undefined && bodyVersion !== undefined && ifMatch !== bodyVersion) {
    throw new AppError('version_mismatch', `If-Match (${ifMatch}) and base_version (${bodyVersion}) disagree`, {
      if_match: ifMatch,
      base_version: bodyVersion,
    });
  }
  const base = ifMatch ?? bodyVersion;
  if (base === undefined) {
    throw new AppError('missing_base_version', 'send the version you edited as If-Match or base_version');
  }
  return base;
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

/** Trimmed, empty ones dropped, duplicates removed keeping the first, order kept. */
export function normalizeTags(tags: readonly string[], field: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of tags) {
    const t = raw.trim();
    if (!t || seen.has(t)) continue;
    if (t.length > MAX_TAG_LENGTH) {
      throw new AppError('invalid_body', `${field}: a tag is longer than ${MAX_TAG_LENGTH} characters`, { field });
    }
    seen.add(t);
    out.push(t);
  }
  if (out.length > MAX_TAGS) throw new AppError('invalid_body', `${field}: more than ${MAX_TAGS} tags`, { field });
  return out;
}

export function checkNotes(notes: string, field: string): string {
  const bytes = Buffer.byteLength(notes, 'utf8');
  if (bytes > MAX_NOTES_BYTES) {
    throw new AppError('invalid_body', `${field}: ${bytes} bytes, over the ${MAX_NOTES_BYTES}-byte limit`, { field });
  }
  return notes;
}

export const metricNameSchema = z.string().min(1).max(200);
/** Finite numbers only (JSON has no NaN, but a hand-built body may still carry huge exponents). */
export const metricsInputSchema = z.record(metricNameSchema, z.number().finite());

/**
 * Identifies a request for idempotency: same key + same fingerprint = the same request. Callers
 * pass the normalised request they built (fixed key order), so plain JSON is stable.
 */
export function fingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}
