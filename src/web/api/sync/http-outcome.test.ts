import { describe, expect, it } from 'vitest';
import { classify, parseRetryAfter, readBatchResults } from './http-outcome.js';

const sidecar = { path: '/a', version: 3, star: 2, tags: ['x'], notes: 'n', metrics: {}, updated_at: 't', updated_by: 'u' };
const err = (code: string, message = 'm') => ({ error: { code, message } });

describe('write outcomes (the error matrix)', () => {
  it('classifies every status the way the spec asks', () => {
    expect(classify(200, sidecar, null, 0)).toEqual({ kind: 'ok', state: { version: 3, star: 2, flag: null, tags: ['x'], notes: 'n' } });
    const details = { base_version: 2, current_version: 3 };
    expect(classify(409, { error: { code: 'version_conflict', message: 'm', details }, current: sidecar }, null, 0)).toMatchObject({ kind: 'conflict', current: { version: 3 } });
    // A 409 that is not the protocol's conflict body (no `current`) is not a conflict to resolve.
    expect(classify(409, err('version_conflict'), null, 0)).toEqual({ kind: 'transient', reason: 'server' });
    expect(classify(400, err('invalid_body', 'notes too long'), null, 0)).toEqual({ kind: 'invalid', message: 'notes too long' });
    // 401: signed out (sign in, then resend); 403: this role may not (Permission denied).
    expect(classify(401, err('unauthenticated'), null, 0)).toEqual({ kind: 'unauthenticated' });
    expect(classify(403, err('forbidden', 'labelers only'), null, 0)).toEqual({ kind: 'denied', message: 'labelers only' });
    expect(classify(403, err('read_only'), null, 0)).toMatchObject({ kind: 'denied' });
    expect(classify(404, err('not_found'), null, 0)).toEqual({ kind: 'missing' });
    expect(classify(429, err('rate_limited'), '3', 0)).toEqual({ kind: 'rate_limited', retryAfterMs: 3000 });
    expect(classify(500, err('internal'), null, 0)).toEqual({ kind: 'transient', reason: 'server', retryAfterMs: null });
    expect(classify(503, null, null, 0)).toEqual({ kind: 'transient', reason: 'server', retryAfterMs: null });
    // A server still indexing after a restart: retried like any 503, when it says.
    expect(classify(503, err('indexing'), '2', 0)).toEqual({ kind: 'transient', reason: 'server', retryAfterMs: 2000 });
    expect(classify(422, err('idempotency_key_reused'), null, 0)).toEqual({ kind: 'rekey' });
    // A 200 that is not a sidecar (a proxy page) is not taken as saved.
    expect(classify(200, '<html>', null, 0)).toEqual({ kind: 'transient', reason: 'server' });
  });

  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('reads per-item batch results', () => {
    const results = readBatchResults(
      {
        results: [
          { path: '/a', status: 'ok', item: sidecar },
          { path: '/b', status: 'conflict', error: { code: 'version_conflict', message: 'x', details: { base_version: 1, current_version: 3 } }, current: { ...sidecar, path: '/b' } },
          { path: '/c', status: 'not_found', error: { code: 'not_found', message: 'x' } },
        ],
      },
    );
    expect(results.map((r) => [r.path, r.outcome.kind])).toEqual([
      ['/a', 'ok'],
      ['/b', 'conflict'],
      ['/c', 'missing'],
    ]);
    // Shapes the server never sends are no batch answer at all.
    expect(readBatchResults([{ path: '/a', ok: true, sidecar }])).toEqual([]);
    expect(readBatchResults({ results: [{ path: '/a', status: 'applied', item: sidecar }] })).toEqual([]);
  });
});
