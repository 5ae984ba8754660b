import type { ErrorCode } from '../protocol/errors.js';

/** A domain error: code and message only. `http/error-handler.ts` alone turns codes into statuses. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
