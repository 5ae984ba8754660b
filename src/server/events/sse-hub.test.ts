import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseClient } from '../../../test/labels/support/sse-client.js';
import { ChangeFeed } from './change-feed.js';
import { SseHub, type EventLog } from './sse-hub.js';

type LogEvent = { id: number; type: string; data: unknown };

/** An event log whose reads wait until the test opens the gate. */
function gatedLog(events: LogEvent[]) {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const log: EventLog = {
    async changesSince(afterId, limit) {
      await gate;
      return { events: events.filter((e) => e.id > afterId).slice(0, limit), reset: false };
    },
    async currentEventId() {
      return events.at(-1)?.id ?? 0;
    },
  };
  return { log, open };
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function serve(hub: SseHub, lastEventId: number | null): Promise<string> {
  const server = http.createServer((req, res) => hub.attach(req, res, lastEventId, { key: 'test' }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(async () => {
    hub.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const item = (id: number): LogEvent => ({ id, type: 'item-updated', data: { n: id } });

describe('SseHub', () => {
  it('[LE2] holds live events that arrive during a replay and sends them after it, without duplicates', async () => {
    const feed = new ChangeFeed();
    const stored = [item(1), item(2), item(3)];
    const { log, open } = gatedLog(stored);
    const hub = await SseHub.create({ log, feed });
    const url = await serve(hub, 1);
    const c = await SseClient.connect(url);
    await c.until(() => c.comments.includes('connected'));
    // Committed while the replay is still reading: 3 is also in the log, 4 is not yet.
    feed.publish({ id: 3, type: 'item-updated', data: { n: 3 } });
    stored.push(item(4));
    feed.publish({ id: 4, type: 'item-updated', data: { n: 4 } });
    feed.publish({ id: null, type: 'presence', data: { gallery_id: 'root', viewers: 1, editors: 0, updated_at: 'x' } });
    open();
    await c.waitForEvents('item-updated', 3);
    await c.waitForEvents('presence', 1);
    expect(c.events('item-updated').map((m) => m.id)).toEqual(['2', '3', '4']);
  });

  it('[LE5] disconnects a client whose held events during a replay pass the bound', async () => {
    const feed = new ChangeFeed();
    const { log } = gatedLog([item(1)]);
    const hub = await SseHub.create({ log, feed, maxPendingEvents: 5 });
    const url = await serve(hub, 0);
    const c = await SseClient.connect(url);
    await c.until(() => c.comments.includes('connected'));
    for (let id = 2; id <= 8; id++) feed.publish({ id, type: 'item-updated', data: {} });
    await c.until(() => c.closed).catch(() => {});
    expect(c.closed).toBe(true);
    expect(hub.stats.disconnected_slow).toBe(1);
    expect(hub.clientCount).toBe(0);
  });
});

describe('SseHub bounds', () => {
  it('runs replays in turns and refuses a new one past the waiting cap', async () => {
    const feed = new ChangeFeed();
    const { log, open } = gatedLog([item(1), item(2)]);
    const hub = await SseHub.create({ log, feed, replayConcurrency: 1, maxQueuedReplays: 1 });
    const url = await serve(hub, 0);
    const first = await SseClient.connect(url);
    const second = await SseClient.connect(url);
    await second.until(() => second.comments.includes('connected'));
    expect(hub.replayLoad).toEqual({ active: 1, queued: 1 });
    expect(hub.admit('other', true)).toMatch(/replays are waiting/);
    expect(hub.admit('other', false)).toBeNull();
    open();
    await first.waitForEvents('item-updated', 2);
    await second.waitForEvents('item-updated', 2);
    expect(hub.replayLoad).toEqual({ active: 0, queued: 0 });
  });

  it('sends presence only to the streams that accept its gallery; unscoped streams get all', async () => {
    const feed = new ChangeFeed();
    const hub = await SseHub.create({ log: gatedLog([]).log, feed });
    const server = http.createServer((req, res) => {
      const scope = new URL(req.url!, 'http://x').searchParams.get('g');
      hub.attach(req, res, null, { key: scope ?? 'none', accepts: scope === null ? undefined : (g) => g === scope });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(async () => {
      hub.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const [a, b, all] = await Promise.all([SseClient.connect(`${base}?g=/a`), SseClient.connect(`${base}?g=/b`), SseClient.connect(base)]);
    for (const c of [a, b, all]) await c.until(() => c.comments.includes('connected'));
    const counts = (g: string) => ({ gallery_id: g, viewers: 1, editors: 0, updated_at: 'x' });
    feed.publish({ id: null, type: 'presence', data: counts('/a'), gallery: '/a' });
    feed.publish({ id: null, type: 'presence', data: counts('/b'), gallery: '/b' });
    await all.waitForEvents('presence', 2);
    await a.waitForEvents('presence', 1);
    await b.waitForEvents('presence', 1);
    expect(a.events('presence').map((m) => (m.json as { gallery_id: string }).gallery_id)).toEqual(['/a']);
    expect(b.events('presence').map((m) => (m.json as { gallery_id: string }).gallery_id)).toEqual(['/b']);
  });
});
