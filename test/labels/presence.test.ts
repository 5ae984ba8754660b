import { afterEach, describe, expect, it } from 'vitest';
import type { PresenceCounts } from '../../src/protocol/presence.js';
import { PresenceTracker } from '../../src/server/events/presence.js';
import { manualClock, startLabelServer, type LabelServer } from './support/harness.js';
import { SseClient } from './support/sse-client.js';

function tracker(ttlMs = 15_000) {
  const clock = manualClock();
  const published: PresenceCounts[] = [];
  const presence = new PresenceTracker({ ttlMs, now: clock.now, onChange: (c) => published.push(c) });
  return { clock, presence, published, counts: () => published.map((c) => [c.gallery_id, c.viewers, c.editors]) };
}

describe('PresenceTracker', () => {
  it('[LV6] counts a client once however many heartbeats it sends, split into viewers and editors', () => {
    const { presence, counts } = tracker();
    presence.heartbeat('/a', 'c1', 'viewing');
    presence.heartbeat('/a', 'c1', 'viewing');
    presence.heartbeat('/a', 'c2', 'editing');
    presence.heartbeat('/a', 'c1', 'editing');
    expect(presence.counts('/a')).toMatchObject({ gallery_id: '/a', viewers: 0, editors: 2 });
    expect(counts()).toEqual([['/a', 1, 0], ['/a', 1, 1], ['/a', 0, 2]]);
  });

  it('[LV6] a client that moves to another gallery leaves the old one', () => {
    const { presence, counts } = tracker();
    presence.heartbeat('/a', 'c1', 'viewing');
    presence.heartbeat('/b/', 'c1', 'viewing');
    expect(presence.counts('/a').viewers).toBe(0);
    expect(presence.counts('/b').viewers).toBe(1);
    expect(counts()).toEqual([['/a', 1, 0], ['/a', 0, 0], ['/b', 1, 0]]);
  });

  it('[LV6] expires clients after the TTL when pruned, publishing the change', () => {
    const { presence, clock, counts } = tracker(15_000);
    presence.heartbeat('root', 'c1', 'viewing');
    clock.advance(10_000);
    presence.heartbeat('root', 'c2', 'editing');
    clock.advance(5_000);
    presence.prune();
    expect(presence.counts('root')).toMatchObject({ viewers: 0, editors: 1 });
    clock.advance(10_000);
    presence.prune();
    expect(counts()).toEqual([['root', 1, 0], ['root', 1, 1], ['root', 0, 1], ['root', 0, 0]]);
    expect(presence.activeClients).toBe(0);
  });

  it('ignores a stale leave for a gallery the client already left', () => {
    const { presence } = tracker();
    presence.heartbeat('/a', 'c1', 'viewing');
    presence.heartbeat('/b', 'c1', 'viewing');
    presence.leave('c1', '/a');
    expect(presence.counts('/b').viewers).toBe(1);
    presence.leave('c1');
    expect(presence.counts('/b').viewers).toBe(0);
    expect(presence.leave('unknown')).toBeNull();
  });
});

describe('presence over HTTP and SSE', () => {
  let s: LabelServer | undefined;
  let c: SseClient | undefined;
  afterEach(async () => {
    c?.close();
    await s?.close();
  });

  it('heartbeats, counts, leave by beacon (text/plain, untyped blob, JSON) and expiry by the timer', async () => {
    const clock = manualClock();
    s = await startLabelServer({ now: clock.now, presenceTtlMs: 15_000, presencePruneMs: 5 });
    c = await SseClient.connect(`${s.url}/events`);
    const post = (url: string, body: string, contentType?: string) =>
      fetch(`${s!.url}${url}`, { method: 'POST', body, headers: contentType ? { 'content-type': contentType } : {} });

    const hb = await post('/presence', JSON.stringify({ gallery_id: 'root', client_id: 'c1', status: 'viewing' }), 'application/json');
    expect(await hb.json()).toMatchObject({ gallery_id: 'root', viewers: 1, editors: 0 });
    await post('/presence', JSON.stringify({ gallery_id: 'root', client_id: 'c2', status: 'editing' }), 'application/json');
    await post('/presence', JSON.stringify({ gallery_id: 'root', client_id: 'c3', status: 'viewing' }), 'application/json');
    await post('/presence', JSON.stringify({ gallery_id: 'root', client_id: 'c4', status: 'viewing' }), 'application/json');
    const counts = await (await fetch(`${s.url}/presence?gallery_id=root`)).json();
    expect(counts).toMatchObject({ gallery_id: 'root', viewers: 3, editors: 1, updated_at: '2026-01-23T19:22:05.000Z' });
    await c.waitForEvents('presence', 4);

    // navigator.sendBeacon sends text/plain for a string, or a Blob's own type (possibly none).
    expect((await post('/presence/leave', JSON.stringify({ gallery_id: 'root', client_id: 'c1' }), 'text/plain;charset=UTF-8')).status).toBe(200);
    const blob = await fetch(`${s.url}/presence/leave`, { method: 'POST', body: new Blob([JSON.stringify({ client_id: 'c3' })]) });
    expect(blob.status).toBe(200);
    expect((await post('/presence/leave', JSON.stringify({ client_id: 'c4' }), 'application/json')).status).toBe(200);
    const afterLeave = await c.waitForEvents('presence', 7);
    expect(afterLeave.slice(4).map((e) => (e.json as PresenceCounts).viewers)).toEqual([2, 1, 0]);

    // c2 goes stale: the prune timer (not a new heartbeat) publishes it.
    clock.advance(15_000);
    const [, , , , , , , gone] = await c.waitForEvents('presence', 8);
    expect(gone!.json).toMatchObject({ gallery_id: 'root', viewers: 0, editors: 0, updated_at: '2026-01-23T19:22:20.000Z' });
    expect(gone!.id).toBeNull();
  });

  it('rejects bad presence bodies, naming the field', async () => {
    s = await startLabelServer({ listen: false });
    const inject = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      s!.app.inject({ method: 'POST', url, payload: payload as string, headers });
    const cases: [string, unknown, string][] = [
      ['/presence', { gallery_id: 'root', client_id: 'c1', status: 'idle' }, 'status'],
      ['/presence', { gallery_id: 'root', status: 'viewing' }, 'client_id'],
      ['/presence', { gallery_id: '', client_id: 'c', status: 'viewing' }, 'gallery_id'],
    ];
    for (const [url, body, field] of cases) {
      const res = await inject(url, body);
      expect([res.statusCode, res.json().error.code, res.json().error.details.field]).toEqual([400, 'invalid_body', field]);
    }
    const notJson = await inject('/presence/leave', 'nope', { 'content-type': 'text/plain' });
    expect([notJson.statusCode, notJson.json().error.code]).toEqual([400, 'invalid_body']);
    const noClient = await inject('/presence/leave', JSON.stringify({ gallery_id: 'x' }), { 'content-type': 'text/plain' });
    expect(noClient.json().error.details.field).toBe('client_id');
    const noGallery = await s.app.inject({ method: 'GET', url: '/presence' });
    expect([noGallery.statusCode, noGallery.json().error.code]).toEqual([400, 'missing_parameter']);
  });
});
