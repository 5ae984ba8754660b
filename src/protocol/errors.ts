import * as z from 'zod';

/** Every error code the API can answer with. Only the server's error handler maps these to statuses. */
export const ERROR_CODES = {
  bad_request: 'bad_request',
  invalid_path: 'invalid_path',
  missing_parameter: 'missing_parameter',
  invalid_parameter: 'invalid_parameter',
  invalid_body: 'invalid_body',
  not_found: 'not_found',
  folder_not_found: 'folder_not_found',
  unsupported_media_type: 'unsupported_media_type',
  image_decode_failed: 'image_decode_failed',
  missing_base_version: 'missing_base_version',
  missing_idempotency_key: 'missing_idempotency_key',
  invalid_if_match: 'invalid_if_match',
  version_mismatch: 'version_mismatch',
  version_conflict: 'version_conflict',
  idempotency_key_reused: 'idempotency_key_reused',
  read_only: 'read_only',
  /** The `Host` header names none of the server's own names (DNS rebinding). */
  misdirected_request: 'misdirected_request',
  /** A state-changing request sent by a page of another site. */
  cross_site_refused: 'cross_site_refused',
  /** No session, token or trusted proxy user (401). */
  unauthenticated: 'unauthenticated',
  /** Signed in, but the role may not do this (403). */
  forbidden: 'forbidden',
  /** Wrong user name or password (401). */
  invalid_credentials: 'invalid_credentials',
  /** A setup or invite link that is unknown, used or expired (410). */
  invalid_link: 'invalid_link',
  /** A user or token of that name exists already (409). */
  already_exists: 'already_exists',
  /** The change would leave no admin (409). */
  last_admin: 'last_admin',
  payload_too_large: 'payload_too_large',
  /** A comparison export of more images than it takes (400). */
  too_many_paths: 'too_many_paths',
  /** A comparison export that cannot fit its size bound (413). */
  too_large: 'too_large',
  rate_limited: 'rate_limited',
  /** The index is still being built and cannot answer for this path yet: 503 with Retry-After. */
  indexing: 'indexing',
  /** The label database (PostgreSQL) cannot be reached right now: 503 with Retry-After; nothing was applied. */
  store_unavailable: 'store_unavailable',
  /** `POST /duplicates` (and the embedding routes) named an embedding the server does not have (400). */
  embedding_unknown: 'embedding_unknown',
  upstream_failed: 'upstream_failed',
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export const errorCodeSchema = z.enum(Object.values(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

/** The body of every error answer: `{ error: { code, message, details? } }`. */
export const errorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export const errorBodySchema = z.object({ error: errorSchema });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * The error of a write based on a stale version (items and views alike). `base_version` is null
 * only for an unconditional write that still lost a race, which the server never reports today.
 */
export const versionConflictErrorSchema = z.object({
  code: z.literal(ERROR_CODES.version_conflict),
  message: z.string(),
  details: z.object({ base_version: z.number().int().nullable(), current_version: z.number().int() }),
});
export type VersionConflictError = z.infer<typeof versionConflictErrorSchema>;
