import { AppError } from '../app-error.js';

/**
 * SQLSTATE classes and driver errors that mean "the database is not there right now" rather than
 * "this statement is wrong": connection exceptions (08), the server shutting down or not accepting
 * connections yet (57P01–57P03), too many connections (53300), and the socket errors of a server
 * that is down or restarting.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '53000', '58000', '58030']);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Client has encountered a connection error/i, /the database system is (starting up|shutting down)/i, /Client was closed/i];

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_STATES.has(code) || code.startsWith('08') || UNAVAILABLE_ERRNOS.has(code)) return true;
  }
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message));
}

/** The error to throw for a failed database call: `store_unavailable` (503, Retry-After) when the database is down. */
export function storeError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (isUnavailable(error)) return new AppError('store_unavailable', 'the label database is unavailable; try again shortly');
  return error;
}
