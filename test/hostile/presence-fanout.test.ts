import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LabelOptions } from '../../src/server/app.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';
import { watchLoopDelay } from '../support/loop-delay.js';
import { rawStream } from '../support/raw-sse.js';

/**
 * Issue 9: `gallery_id` had no length limit and every presence change went to every SSE client
 * (three 1 MB heartbeats with 500 clients pushed 2 GB); a `sendBeacon` to `/presence/leave`
 * ended another person's presence.
 */
const MiB = 1024 * 1024;
const VIEWERS = 500;
let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function serve(labels: LabelOptions = {}): Promise<TestServer> {
  t = await startTestServer({ 'a.png': { w: 2, h: 2 } }, { labels });
  return t;
}

const post = (s: TestServer, path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${s.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function errorOf(res: Response): Promise<[number, string, unknown]> {
  const body = (await res.json()) as { error: { code: string; details?: { field?: string } } };
  return [res.status, body.error.code, body.error.details?.field];
}

describe('presence and progress fan-out', () => {
  it('refuses ids and messages past their bounds with 4xx, naming the field', async () => {
    const s = await serve();
    const huge = `/${'g'.repeat(1_000_000)}`;
    expect(await errorOf(await post(s, '/presence', { gallery_id: huge, client_id: 'c', status: 'viewing' }))).toEqual([400, 'invalid_body', 'gallery_id']);
    expect(await errorOf(await post(s, '/presence', { gallery_id: '/a', client_id: 'c'.repeat(201), status: 'viewing' }))).toEqual([400, 'invalid_body', 'client_id']);
    expect(await errorOf(await post(s, '/presence', { gallery_id: '/a', client_id: 'c', status: 'viewing', token: 'x' }))).toEqual([400, 'invalid_body', 'token']);
    expect(await errorOf(await post(s, '/metrics/progress', { gallery_id: huge.slice(0, 5000), percent: 1, message: 'm' }))).toEqual([400, 'invalid_body', 'gallery_id']);
    expect(await errorOf(await post(s, '/metrics/progress', { gallery_id: '/', percent: 1, message: 'm'.repeat(501) }))).toEqual([400, 'invalid_body', 'message']);
    expect((await errorOf(await s.get(`/presence?gallery_id=${'g'.repeat(5000)}`))).slice(0, 2)).toEqual([400, 'invalid_parameter']);
    expect((await errorOf(await s.get(`/events?gallery_id=${'g'.repeat(5000)}`))).slice(0, 2)).toEqual([400, 'invalid_parameter']);
    expect((await errorOf(await s.get(`/events?client_id=${'c'.repeat(300)}`))).slice(0, 2)).toEqual([400, 'invalid_parameter']);
    const longName = await fetch(`${s.url}/item?path=/a.png`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k1', 'x-lenslet-user': 'n'.repeat(201) },
      body: JSON.stringify({ base_version: 1, set_star: 1 }),
    });
    expect(await errorOf(longName)).toEqual([400, 'invalid_parameter', 'X-Lenslet-User']);
  });

  it("sends a gallery's presence only to that gallery's streams: 500 others get none of an attacker's heartbeats", async () => {
    // Heartbeats must not lapse while 500 join on a loaded machine.
    const s = await serve({ presenceTtlMs: 600_000 });
    const hub = s.server.services.labels!.hub;
    // Progress goes to every stream: once a stream has it, it would have had what came before.
    const untilProgress = { keep: 200_000, until: (o: { body: string }) => o.body.includes('event: metrics-progress') };
    // Viewers of 25 folders, as the web connects: each stream follows its presence client id.
    const viewers = Array.from({ length: VIEWERS }, (_, i) => rawStream(`${s.url}/events?client_id=v${i}`, untilProgress));
    await vi.waitFor(() => expect(hub.clientCount).toBe(VIEWERS), { timeout: 30_000 });
    for (let i = 0; i < VIEWERS; i += 50) {
      const joins = Array.from({ length: Math.min(50, VIEWERS - i) }, (_, j) =>
        post(s, '/presence', { gallery_id: `/g${(i + j) % 25}`, client_id: `v${i + j}`, status: 'viewing' }, { 'content-type': 'application/json', 'x-client-id': `v${i + j}` }),
      );
      for (const joined of await Promise.all(joins)) expect(joined.status).toBe(200);
    }
    const fixed = rawStream(`${s.url}/events?gallery_id=/g0`, untilProgress);
    await vi.waitFor(() => expect(hub.clientCount).toBe(VIEWERS + 1));
    const rssBefore = process.memoryUsage().rss;
    const loop = watchLoopDelay();
    for (let i = 0; i < 3; i++) {
      const res = await post(s, '/presence', { gallery_id: `/${String(i).repeat(2000)}`, client_id: `attacker${i}`, status: 'viewing' });
      expect(res.status).toBe(200);
    }
    await post(s, '/presence', { gallery_id: '/g0', client_id: 'late', status: 'editing' });
    await post(s, '/metrics/progress', { gallery_id: '/', percent: 1, message: 'marker' });
    const attacker = /\/(\d)\1{100}/;
    const outcomes = await Promise.all([...viewers, fixed].map((v) => v.done));
    const maxDelayMs = await loop.stop();
    expect(outcomes.filter((o) => attacker.test(o.body))).toHaveLength(0);
    // The folder's own changes do arrive: the late editor reached /g0's streams, and only those.
    expect(outcomes.filter((o) => o.body.includes('"editors":1'))).toHaveLength(VIEWERS / 25 + 1);
    expect(maxDelayMs).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * MiB);
  }, 120_000);

  it('lets a beacon end only its own presence: the leave must carry the token its heartbeats carried', async () => {
    const s = await serve();
    const alice = { gallery_id: '/a', client_id: 'alice.tab1', token: 'alice-secret-1234' };
    expect((await (await post(s, '/presence', { ...alice, status: 'editing' })).json()) as object).toMatchObject({ editors: 1 });
    const beacon = (body: unknown) => post(s, '/presence/leave', body, { 'content-type': 'text/plain;charset=UTF-8' });
    // Someone who learnt alice's client id (it shows in history) tries to end or move her presence.
    expect((await beacon({ gallery_id: '/a', client_id: 'alice.tab1' })).status).toBe(200);
    expect((await beacon({ gallery_id: '/a', client_id: 'alice.tab1', token: 'guessed-token-0000' })).status).toBe(200);
    await post(s, '/presence', { gallery_id: '/elsewhere', client_id: 'alice.tab1', status: 'viewing' });
    expect(await (await s.get('/presence?gallery_id=/a')).json()).toMatchObject({ editors: 1 });
    // Alice's own beacon ends it.
    const own = await beacon(alice);
    expect(await own.json()).toMatchObject({ client_id: 'alice.tab1', counts: { gallery_id: '/a', editors: 0 } });
  });
});
