import { errorBodySchema } from '../../../protocol/errors.js';
import { sidecarSchema, type Sidecar } from '../../../protocol/items.js';
import { batchResponseSchema, itemConflictBodySchema, type BatchResult as WireBatchResult } from '../../../protocol/label-writes.js';
import type { LabelState } from './label-ops.js';

/** How the client reacts to one write outcome (the spec's error-handling matrix). */
export type WriteOutcome =
  | { kind: 'ok'; state: LabelState }
  | { kind: 'conflict'; current: LabelState }
  | { kind: 'invalid'; message: string }
  | { kind: 'rekey' }
  /** 401: nobody is signed in any more. The write was not applied; it goes out again, same key, after sign-in. */
  | { kind: 'unauthenticated' }
  /** 403: this role may not label. */
  | { kind: 'denied'; message: string }
  | { kind: 'missing' }
  | { kind: 'rate_limited'; retryAfterMs: number | null }
  /** `retryAfterMs`: the server said when to ask again (a 503 while it is still indexing, say). */
  | { kind: 'transient'; reason: 'network' | 'server'; retryAfterMs?: number | null };

export function labelStateOf(sidecar: Sidecar): LabelState {
  return { version: sidecar.version, star: sidecar.star, flag: sidecar.flag, tags: sidecar.tags, notes: sidecar.notes };
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * The outcome of `PUT`/`PATCH /item` from its status and body, read with the protocol's schemas.
 * An answer that does not match them (a proxy's page, a server of another version) is never taken
 * as saved or as a conflict: it is a server failure, retried with backoff.
 */
export function classify(status: number, body: unknown, retryAfter: string | null, now: number): WriteOutcome {
  if (status >= 200 && status < 300) {
    const sidecar = sidecarSchema.safeParse(body);
    return sidecar.success ? { kind: 'ok', state: labelStateOf(sidecar.data) } : { kind: 'transient', reason: 'server' };
  }
  if (status === 409) {
    const conflict = itemConflictBodySchema.safeParse(body);
    if (conflict.success) return { kind: 'conflict', current: labelStateOf(conflict.data.current) };
  }
  const error = errorBodySchema.safeParse(body);
  const { code, message } = error.success ? error.data.error : { code: null, message: '' };
  if (code === 'idempotency_key_reused') return { kind: 'rekey' };
  if (status === 409) return { kind: 'transient', reason: 'server' };
  if (status === 401) return { kind: 'unauthenticated' };
  if (status === 403) return { kind: 'denied', message: message || 'Permission denied' };
  if (status === 404) return { kind: 'missing' };
  if (status === 429) return { kind: 'rate_limited', retryAfterMs: parseRetryAfter(retryAfter, now) };
  if (status === 408 || status >= 500) return { kind: 'transient', reason: 'server', retryAfterMs: parseRetryAfter(retryAfter, now) };
  if (status >= 400) return { kind: 'invalid', message: message || 'Invalid update' };
  return { kind: 'transient', reason: 'server' };
}

export interface BatchResult {
  path: string;
  outcome: WriteOutcome;
}

function batchOutcome(result: WireBatchResult): WriteOutcome {
  switch (result.status) {
    case 'ok':
      return { kind: 'ok', state: labelStateOf(result.item) };
    case 'conflict':
      return { kind: 'conflict', current: labelStateOf(result.current) };
    case 'not_found':
      return { kind: 'missing' };
  }
}

/** Per-item results of a 200 `PATCH /items`; empty when the body is not a batch answer. */
export function readBatchResults(body: unknown): BatchResult[] {
  const parsed = batchResponseSchema.safeParse(body);
  if (!parsed.success) return [];
  return parsed.data.results.map((r) => ({ path: r.path, outcome: batchOutcome(r) }));
}
