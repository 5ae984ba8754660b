import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { metricsResponseSchema, okResponseSchema } from '../../src/protocol/label-writes.js';
import { presenceCountsSchema } from '../../src/protocol/presence.js';
import { expectWire, expectWireEvent } from '../support/wire.js';
import { appliedItem, startLabelServer, type LabelServer, type LabelServerOptions } from './support/harness.js';
import { SseClient } from './support/sse-client.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let servers: LabelServer[] = [];
let clients: SseClient[] = [];
afterEach(async () => {
  const received = clients.flatMap((c) => c.messages);
  for (const c of clients) c.close();
  for (const s of servers) await s.close();
  servers = [];
  clients = [];
  // Whatever a test received, every event on the stream is a protocol event.
  for (const m of received) expectWireEvent(m);
});

async function server(options: LabelServerOptions = {}): Promise<LabelServer> {
  const s = await startLabelServer(options);
  servers.push(s);
  return s;
}

async function sse(s: LabelServer, headers: Record<string, string> = {}, query = ''): Promise<SseClient> {
  const c = await SseClient.connect(`${s.url}/events${query}`, headers);
  clients.push(c);
  await c.until(() => c.comments.includes('connected'), 5000, 'connected');
  return c;
}

let seq = 0;
async function setStar(s: LabelServer, path: string, star: number, by = 'ann') {
  const current = await s.system.service.getItem(path);
  const res = await s.system.service.patchItem(path, { set_star: star }, current.version, { key: `k${++seq}`, actor: by });
  return appliedItem(res);
}

describe('GET /events', () => {
  it('[LE1] streams item-updated and metrics-updated with the spec payloads and the event id as SSE id', async () => {
    const s = await server();
    const c = await sse(s);
    await s.app.inject({
      method: 'PUT', url: '/item?path=/animals/cat.jpg',
      headers: { 'idempotency-key': 'a', 'if-match': '1', 'x-lenslet-user': 'web' },
      payload: { tags: ['cute', 'pet'], notes: 'golden hour', star: 4 },
    });
    const put = await s.app.inject({ method: 'PUT', url: '/metrics', headers: { 'x-lenslet-user': 'metrics-worker' }, payload: { items: [{ path: '/animals/cat.jpg', metrics: { aesthetic: 0.91 } }, { path: '/missing/x.jpg', metrics: { aesthetic: 1 } }] } });
    expect(expectWire(metricsResponseSchema, put.json()).results.map((r) => r.status)).toEqual(['ok', 'not_found']);
    const [item] = await c.waitForEvents('item-updated', 1);
    const [metrics] = await c.waitForEvents('metrics-updated', 1);
    const head = await s.system.store.currentEventId();
    expect(item!.id).toBe(String(head - 1));
    expect(item!.json).toEqual({
      path: '/animals/cat.jpg', version: 2, tags: ['cute', 'pet'], notes: 'golden hour', star: 4, flag: null, metrics: {},
      updated_at: expect.any(String), updated_by: 'web',
    });
    expect(metrics!.id).toBe(String(head));
    expect(metrics!.json).toEqual({ path: '/animals/cat.jpg', version: 3, metrics: { aesthetic: 0.91 }, updated_at: expect.any(String), updated_by: 'metrics-worker' });
    expect(c.lastEventId).toBe(String(head));
  });

  it('[LE1] tells a fresh client its position with an id-only frame, so a later reconnect resumes from there', async () => {
    const s = await server();
    await setStar(s, '/a.jpg', 1);
    const head = await s.system.store.currentEventId();
    const c = await sse(s);
    await c.until(() => c.lastEventId === String(head));
    expect(c.messages).toEqual([]);
  });

  it('[LE1] sends metrics-progress and presence without an id line, leaving Last-Event-ID alone', async () => {
    const s = await server();
    await setStar(s, '/a.jpg', 1);
    const c = await sse(s);
    const before = c.lastEventId;
    const ack = await s.app.inject({ method: 'POST', url: '/metrics/progress', payload: { gallery_id: 'root', percent: 42, message: 'Computing metrics...' } });
    expectWire(okResponseSchema, ack.json());
    const counts = await s.app.inject({ method: 'POST', url: '/presence', payload: { gallery_id: 'root', client_id: 'c1', status: 'viewing' } });
    expectWire(presenceCountsSchema, counts.json());
    const [progress] = await c.waitForEvents('metrics-progress', 1);
    const [presence] = await c.waitForEvents('presence', 1);
    expect(progress).toMatchObject({ id: null, json: { gallery_id: 'root', percent: 42, message: 'Computing metrics...' } });
    expect(presence).toMatchObject({ id: null, json: { gallery_id: 'root', viewers: 1, editors: 0 } });
    expect(c.lastEventId).toBe(before);
  });

  it('[LV4] delivers concurrent writes once each, in strictly increasing id order', async () => {
    const s = await server({ dbPath: join(dir, 'order.sqlite') });
    const c = await sse(s);
    await Promise.all(Array.from({ length: 50 }, (_, i) => setStar(s, `/p${i}.jpg`, i % 6)));
    const events = await c.waitForEvents('item-updated', 50);
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(50);
  });

  it('[LE2] replays every missed event in order after Last-Event-ID (header or query; the larger wins)', async () => {
    const s = await server();
    const first = await sse(s);
    await setStar(s, '/a.jpg', 1);
    const [seen] = await first.waitForEvents('item-updated', 1);
    first.close();
    await setStar(s, '/a.jpg', 2);
    await setStar(s, '/b.jpg', 3);
    await setStar(s, '/a.jpg', 4);
    const byHeader = await sse(s, { 'last-event-id': seen!.id! });
    const replayed = await byHeader.waitForEvents('item-updated', 3);
    expect(replayed.map((e) => (e.json as { star: number }).star)).toEqual([2, 3, 4]);
    const byQuery = await sse(s, {}, `?last_event_id=${seen!.id}`);
    expect((await byQuery.waitForEvents('item-updated', 3)).map((e) => e.id)).toEqual(replayed.map((e) => e.id));
    const larger = await sse(s, { 'last-event-id': seen!.id! }, `?last_event_id=${Number(seen!.id) + 2}`);
    const [only] = await larger.waitForEvents('item-updated', 1);
    expect(only!.id).toBe(replayed[2]!.id);
    // Live events continue after the replay, without duplicates.
    await setStar(s, '/c.jpg', 5);
    await byHeader.waitForEvents('item-updated', 4);
    expect(byHeader.events('item-updated').map((e) => Number(e.id))).toEqual(Array.from({ length: 4 }, (_, i) => Number(seen!.id) + 1 + i));
  });

  it('[LE2] replays across a server restart (SQLite)', async () => {
    const dbPath = join(dir, 'restart.sqlite');
    const a = await startLabelServer({ dbPath });
    const c = await SseClient.connect(`${a.url}/events`);
    await setStar(a, '/a.jpg', 1);
    await c.waitForEvents('item-updated', 1);
    const last = c.lastEventId!;
    c.close();
    await setStar(a, '/a.jpg', 2); // missed before the restart
    await a.close();
    const b = await server({ dbPath });
    await setStar(b, '/a.jpg', 3); // missed after it
    const again = await sse(b, { 'last-event-id': last });
    const missed = await again.waitForEvents('item-updated', 2);
    expect(missed.map((e) => [Number(e.id) - Number(last), (e.json as { star: number }).star])).toEqual([[1, 2], [2, 3]]);
  });

  it('[LE3] sends resync (with the head as its id) when the missed events were compacted away', async () => {
    const s = await server({ dbPath: join(dir, 'compact.sqlite'), storeOptions: { eventRetention: 5 } });
    for (let i = 0; i < 3; i++) await setStar(s, `/p${i}.jpg`, 1);
    const early = await s.system.store.currentEventId();
    for (let i = 0; i < 20; i++) await setStar(s, `/q${i}.jpg`, 1);
    const head = await s.system.store.currentEventId();
    const c = await sse(s, { 'last-event-id': String(early) });
    const [resync] = await c.waitForEvents('resync', 1);
    expect(resync).toMatchObject({ id: String(head), json: { reason: 'events_unavailable', last_event_id: head } });
    expect(c.events('item-updated')).toEqual([]);
    await setStar(s, '/after.jpg', 2);
    const [live] = await c.waitForEvents('item-updated', 1);
    expect(live!.id).toBe(String(head + 1));
    // A position still in the log replays normally.
    const recent = await sse(s, { 'last-event-id': String(head - 3) });
    expect((await recent.waitForEvents('item-updated', 4)).map((e) => Number(e.id))).toEqual([head - 2, head - 1, head, head + 1]);
  });

  it('[LE3] sends resync for an id from another (memory) server lifetime and for an unparsable id', async () => {
    const a = await server();
    await setStar(a, '/a.jpg', 1);
    const old = await a.system.store.currentEventId();
    await a.close();
    const b = await server();
    await setStar(b, '/a.jpg', 2);
    const c = await sse(b, { 'last-event-id': String(old) });
    expect((await c.waitForEvents('resync', 1))[0]!.json).toMatchObject({ reason: 'events_unavailable' });
    const bad = await sse(b, {}, '?last_event_id=abc');
    expect((await bad.waitForEvents('resync', 1))[0]!.json).toMatchObject({ reason: 'invalid_last_event_id' });
  });

  it('[LE4] sends a comment heartbeat on its interval', async () => {
    const s = await server({ heartbeatMs: 20 });
    const c = await sse(s);
    await c.until(() => c.comments.includes('ping'), 5000, 'ping');
    s.system.hub.sendHeartbeat();
    await c.until(() => c.comments.filter((x) => x === 'ping').length >= 2);
  });

  it('[LE5] disconnects a client that stops reading instead of skipping events; it catches up on reconnect', async () => {
    const s = await server({ sseMaxBufferedBytes: 256 * 1024 });
    const fast = await sse(s);
    const start = await s.system.store.currentEventId();
    const { port } = new URL(s.url);
    const stalled = net.connect(Number(port), '127.0.0.1');
    stalled.write('GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    stalled.pause(); // never read: the kernel buffers fill, then the server's
    await vi.waitFor(() => expect(s.system.hub.clientCount).toBe(2));
    const notes = 'n'.repeat(60_000);
    const total = 150;
    for (let i = 0; i < total; i++) {
      appliedItem(await s.system.service.patchItem(`/big${i}.jpg`, { set_notes: notes }, 1, { key: `big${i}`, actor: 'web' }));
    }
    await vi.waitFor(() => expect(s.system.hub.stats.disconnected_slow).toBe(1), { timeout: 10_000 });
    expect(s.system.hub.clientCount).toBe(1);
    stalled.destroy();
    const all = await fast.waitForEvents('item-updated', total, 20_000);
    expect(all.map((e) => Number(e.id))).toEqual(Array.from({ length: total }, (_, i) => start + 1 + i));
    const back = await sse(s, { 'last-event-id': String(start) });
    const replayed = await back.waitForEvents('item-updated', total, 20_000);
    expect(replayed.map((e) => e.id)).toEqual(all.map((e) => e.id));
  });

  it('ends open streams when the server closes', async () => {
    const s = await startLabelServer();
    const c = await SseClient.connect(`${s.url}/events`);
    await s.close();
    await c.until(() => c.closed).catch(() => {});
    expect(c.closed).toBe(true);
  });
});
