import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorBody, ErrorCode } from '../../protocol/errors.js';
import { AppError } from '../app-error.js';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_path: 400,
  missing_parameter: 400,
  invalid_parameter: 400,
  invalid_body: 400,
  not_found: 404,
  folder_not_found: 404,
  unsupported_media_type: 415,
  image_decode_failed: 422,
  missing_base_version: 400,
  missing_idempotency_key: 400,
  invalid_if_match: 400,
  version_mismatch: 400,
  version_conflict: 409,
  idempotency_key_reused: 422,
  read_only: 403,
  misdirected_request: 421,
  cross_site_refused: 403,
  unauthenticated: 401,
  forbidden: 403,
  invalid_credentials: 401,
  invalid_link: 410,
  already_exists: 409,
  last_admin: 409,
  payload_too_large: 413,
  too_many_paths: 400,
  too_large: 413,
  rate_limited: 429,
  indexing: 503,
  store_unavailable: 503,
  embedding_unknown: 400,
  upstream_failed: 502,
  internal: 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 500;
}

export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** The one place where errors become HTTP responses. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      // The index is usually complete within seconds: ask again soon rather than give up.
      if (error.code === 'indexing') reply.header('Retry-After', '1');
      // A database restart takes seconds; the web queue keeps the edit and resends it after this.
      if (error.code === 'store_unavailable') reply.header('Retry-After', '2');
      // A throttled sign-in says when to try again, as the token buckets' 429s do.
      const wait = (error.details as { retry_after_s?: unknown } | undefined)?.retry_after_s;
      if (error.code === 'rate_limited' && typeof wait === 'number') reply.header('Retry-After', String(wait));
      return reply.code(statusOf(error.code)).send(errorBody(error.code, error.message, error.details));
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return reply.code(400).send(errorBody('invalid_parameter', fastifyError.message));
    }
    const status = fastifyError.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Fastify's own client errors: bad JSON body, body too large, unsupported content type.
      const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request';
      return reply.code(status).send(errorBody(code, fastifyError.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(errorBody('internal', 'internal server error'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
