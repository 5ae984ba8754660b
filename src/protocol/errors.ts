import { z } from 'zod';

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
  payload_too_large: 'payload_too_large',
  rate_limited: 'rate_limited',
  upstream_failed: 'upstream_failed',
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
