import type { InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerOptions } from '../../src/server/index.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';
import { rawStream } from '../support/raw-sse.js';

/** Issue 9: no rate limiting anywhere (0 × 429 in 3,000 rapid writes). */
let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Time stands still for the buckets: no refill, so what passes is exactly the burst, however slow the machine. */
const FROZEN = { now: () => 0 };

async function serve(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  t = await startTestServer({ 'a.png': { w: 2, h: 2 } }, options);
  return t;
}

/** `count` requests as fast as the in-process server takes them (no sockets: inject). */
async function burst(s: TestServer, count: number, request: (i: number) => InjectOptions) {
  const statuses: number[] = [];
  let retryAfter: string | undefined;
  let body: unknown;
  for (let i = 0; i < count; i += 50) {
    const replies = await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => s.server.app.inject(request(i + j))));
    for (const r of replies) {
      statuses.push(r.statusCode);
      if (r.statusCode === 429 && retryAfter === undefined) {
        retryAfter = r.headers['retry-after'] as string;
        body = r.json();
      }
    }
  }
  return { limited: statuses.filter((c) => c === 429).length, retryAfter, body };
}

/** Rapid writes of one item: the first applies, the rest conflict (409) or are limited (429). */
const write =
  (client: string) =>
  (i: number): InjectOptions => ({
    method: 'PATCH',
    url: '/item?path=/a.png',
    headers: { 'idempotency-key': `${client}-${i}`, 'x-client-id': client },
    payload: { base_version: 1, set_star: 1 },
  });

describe('per-client rate limits', () => {
  it('answers 429 rate_limited with Retry-After to 3,000 rapid writes from one client, not to another client', async () => {
    const s = await serve({ rateLimits: FROZEN });
    const flood = await burst(s, 3000, write('flooder'));
    expect(flood.limited).toBe(2000); // the default burst of 1,000 passes
    expect(flood.retryAfter).toMatch(/^[1-9]\d*$/);
    expect(flood.body).toMatchObject({ error: { code: 'rate_limited' } });
    const other = await s.server.app.inject(write('someone-else')(0));
    expect(other.statusCode).toBe(409); // judged on its merits: a stale base version

  }, 60_000);

  it('limits /refresh, /export and event replays per client', async () => {
    const s = await serve({ rateLimits: FROZEN });
    const refresh = await burst(s, 25, () => ({ method: 'POST', url: '/refresh', headers: { 'x-client-id': 'r' } }));
    expect([refresh.limited, refresh.retryAfter]).toEqual([5, '1']);
    const exports = await burst(s, 25, () => ({ method: 'GET', url: '/export', headers: { 'x-client-id': 'e' } }));
    expect(exports.limited).toBe(5);
    // One at a time, so the per-client stream cap is not what answers.
    const replays: number[] = [];
    for (let i = 0; i < 35; i++) replays.push((await rawStream(`${s.url}/events?client_id=replayer&last_event_id=0`, { dropAtOnce: true }).done).status);
    expect(replays.filter((c) => c === 429)).toHaveLength(5);
  }, 60_000);

  it('is configurable, and off with rateLimits: false (the throughput benches)', async () => {
    const tight = await serve({ rateLimits: { ...FROZEN, write: { perSecond: 1, burst: 2 } } });
    expect((await burst(tight, 5, write('w'))).limited).toBe(3);
    await tight.close();
    t = undefined;
    const off = await serve({ rateLimits: false });
    expect((await burst(off, 1500, write('w'))).limited).toBe(0);
  }, 60_000);
});
