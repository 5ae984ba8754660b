import type { z } from 'zod';
import { errorBodySchema } from '../../protocol/errors.js';

/** A failed API call: the server's `{ error: { code, message } }`, or a transport failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** `Retry-After` of a 429 or 503, in seconds (how long a throttled sign-in must wait). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryValue = string | number | boolean | null | undefined;

/** `/thumb?path=/a%20b/c.jpg`: builds an API URL relative to the page's origin. */
export function apiUrl(endpoint: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  const qs = params.toString();
  return qs ? `${endpoint}?${qs}` : endpoint;
}

/** `v`: the file's bytes-version after it was rewritten in place (see media-stamps.ts). */
export const thumbUrl = (path: string, v?: string) => apiUrl('/thumb', { path, v });
export const fileUrl = (path: string, v?: string) => apiUrl('/file', { path, v });
/** A screen-sized rendition fitting `w`×`w` device pixels (`w` one of PREVIEW_EDGES). */
export const previewUrl = (path: string, w: number, v?: string) => apiUrl('/preview', { path, w, v });

// Responses are validated against the shared schemas while developing (and in tests), where a
// mismatch should be loud; production trusts the server it was built with and skips the cost.
const VALIDATE = (import.meta as { env?: { DEV?: boolean } }).env?.DEV ?? true;

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: fall through to a generic error
  }
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    const retryAfter = Number(response.headers.get('retry-after'));
    return new ApiError(response.status, code, message, details, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  }
  return new ApiError(response.status, 'http_error', `${response.status} ${response.statusText}`.trim());
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Calls a JSON endpoint and returns its typed body, or throws an ApiError. */
export async function requestJson<S extends z.ZodType>(endpoint: string, schema: S, options: RequestOptions = {}): Promise<z.infer<S>> {
  let response: Response;
  try {
    response = await fetch(apiUrl(endpoint, options.query), {
      method: options.method ?? 'GET',
      headers: { accept: 'application/json', ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error)?.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', (error as Error)?.message || 'network error');
  }
  if (!response.ok) throw await toApiError(response);
  const json: unknown = response.status === 204 ? null : await response.json();
  if (!VALIDATE) return json as z.infer<S>;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(response.status, 'invalid_response', `${endpoint}: response does not match the protocol: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** Calls an endpoint that answers a file (a PNG, say) and returns it, or throws an ApiError. */
export async function requestBlob(endpoint: string, options: RequestOptions = {}): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(apiUrl(endpoint, options.query), {
      method: options.method ?? 'GET',
      headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error)?.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', (error as Error)?.message || 'network error');
  }
  if (!response.ok) throw await toApiError(response);
  return response.blob();
}
