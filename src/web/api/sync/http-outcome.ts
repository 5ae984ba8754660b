import type { LabelState } from './label-ops.js';

/** How the client reacts to one write outcome (the spec's error-handling matrix). */
export type WriteOutcome =
  | { kind: 'ok'; state: LabelState }
  | { kind: 'conflict'; current: LabelState }
  | { kind: 'invalid'; message: string }
  | { kind: 'rekey' }
  | { kind: 'denied'; message: string }
  | { kind: 'missing' }
  | { kind: 'rate_limited'; retryAfterMs: number | null }
  | { kind: 'transient'; reason: 'network' | 'server' };

export function readLabelState(raw: unknown): LabelState | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.version !== 'number' || !Array.isArray(r.tags)) return null;
  const star = typeof r.star === 'number' ? r.star : null;
  return {
    version: r.version,
    star,
    tags: r.tags.filter((t): t is string => typeof t === 'string'),
    notes: typeof r.notes === 'string' ? r.notes : '',
  };
}

function errorOf(body: unknown): { code: string; message: string } {
  const e = (body as { error?: unknown } | null)?.error;
  if (e && typeof e === 'object') {
    const o = e as { code?: unknown; message?: unknown };
    return { code: String(o.code ?? ''), message: String(o.message ?? '') };
  }
  return { code: typeof e === 'string' ? e : '', message: '' };
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function classify(status: number, body: unknown, retryAfter: string | null, now: number): WriteOutcome {
  if (status >= 200 && status < 300) {
    const state = readLabelState((body as { item?: unknown } | null)?.item ?? body);
    return state ? { kind: 'ok', state } : { kind: 'transient', reason: 'server' };
  }
  const { code, message } = errorOf(body);
  if (status === 409) {
    const current = readLabelState((body as { current?: unknown } | null)?.current);
    if (code === 'idempotency_key_reused') return { kind: 'rekey' };
    return current ? { kind: 'conflict', current } : { kind: 'transient', reason: 'server' };
  }
  if (code === 'idempotency_key_reused') return { kind: 'rekey' };
  if (status === 401 || status === 403) return { kind: 'denied', message: message || 'Permission denied' };
  if (status === 404) return { kind: 'missing' };
  if (status === 429) return { kind: 'rate_limited', retryAfterMs: parseRetryAfter(retryAfter, now) };
  if (status === 408 || status >= 500) return { kind: 'transient', reason: 'server' };
  if (status >= 400) return { kind: 'invalid', message: message || 'Invalid update' };
  return { kind: 'transient', reason: 'server' };
}

const BATCH_STATUS: Record<string, number> = { ok: 200, applied: 200, conflict: 409, not_found: 404, invalid: 400 };

export interface BatchResult {
  path: string;
  outcome: WriteOutcome;
}

/**
 * Per-item results of `PATCH /items`. Accepts a bare array or `{ results }`, each result carrying
 * its own `status` (or `ok`) and the sidecar as `item`/`sidecar` (or inline), `current` on 409.
 */
export function readBatchResults(body: unknown, now: number): BatchResult[] {
  const list = Array.isArray(body) ? body : (body as { results?: unknown; items?: unknown } | null)?.results ?? (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(list)) return [];
  const out: BatchResult[] = [];
  for (const raw of list) {
    if (!raw || typeof raw !== 'object') continue;
    const r = raw as Record<string, unknown>;
    const sidecar = r.item ?? r.sidecar;
    const path = typeof r.path === 'string' ? r.path : (sidecar as { path?: unknown } | undefined)?.path;
    if (typeof path !== 'string') continue;
    const status = typeof r.status === 'number' ? r.status : typeof r.status === 'string' ? BATCH_STATUS[r.status] ?? 400 : r.ok === false ? (r.current ? 409 : 400) : 200;
    out.push({ path, outcome: classify(status, sidecar !== undefined ? { ...r, item: sidecar } : r, null, now) });
  }
  return out;
}
