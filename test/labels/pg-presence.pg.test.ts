import net from 'node:net';
import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceCounts } from '../../src/protocol/presence.js';
import { openLabelParts, registerLabelRoutesOf } from '../../src/server/app-labels.js';
import { ChangeFeed } from '../../src/server/events/change-feed.js';
import { PresenceShare } from '../../src/server/events/pg-presence.js';
import { PresenceTracker } from '../../src/server/events/presence.js';
import { installErrorHandler } from '../../src/server/http/error-handler.js';
import { createLabelStore } from '../../src/server/labels/create-label-store.js';
import { PgConnection } from '../../src/server/postgres/pg-connection.js';
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from '../support/pg.js';
import { SseClient } from './support/sse-client.js';

let db: TestDatabase;
const cleanup: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});
afterAll(async () => {
  await db?.drop();
});

async function until<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, what: string, ms = 2000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A label server (routes of app-labels.ts) sharing presence through the database. */
async function server(datasetId: string, url = db.url) {
  const conn = await PgConnection.open({ url, datasetId });
  const app = Fastify({ forceCloseConnections: true });
  installErrorHandler(app);
  const feed = new ChangeFeed();
  const parts = await openLabelParts(createLabelStore(null), feed, () => true, { postgres: conn });
  await registerLabelRoutesOf(app, parts, feed, () => []);
  app.addHook('onClose', () => parts.close());
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => conn.close(), () => app.close());
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
  };
  const viewers = async (gallery: string) => ((await (await fetch(`${base}/presence?gallery_id=${gallery}`)).json()) as PresenceCounts).viewers;
  return { url: base, post, viewers };
}

describe('presence across servers (PostgreSQL)', () => {
  it('a person on A and one on B both see 2 viewing within 2 s (GET and SSE); a leave on A reaches B', async () => {
    const a = await server('both');
    const b = await server('both');
    const other = await server('elsewhere');
    const sse = await SseClient.connect(`${b.url}/events?gallery_id=root`);
    cleanup.push(async () => sse.close());
    await a.post('/presence', { gallery_id: 'root', client_id: 'ann', status: 'viewing', token: 'token-ann' });
    await b.post('/presence', { gallery_id: 'root', client_id: 'bob', status: 'viewing', token: 'token-bob' });
    await until(() => a.viewers('root'), (n) => n === 2, 'A counts 2');
    await until(() => b.viewers('root'), (n) => n === 2, 'B counts 2');
    await until(() => sse.messages.some((m) => m.event === 'presence' && (m.json as PresenceCounts).viewers === 2), (x) => x, 'B streams 2 viewing');
    expect(await other.viewers('root')).toBe(0); // another dataset in the same database
    await a.post('/presence/leave', { gallery_id: 'root', client_id: 'ann', token: 'token-ann' });
    await until(() => b.viewers('root'), (n) => n === 1, 'B counts 1 after the leave on A');
    const last = sse.messages.filter((m) => m.event === 'presence').at(-1)!;
    expect((last.json as PresenceCounts).viewers).toBe(1);
  });

  it('the entries of a server that died expire after the TTL; one that stops cleanly takes them away at once', async () => {
    const ttlMs = 1500;
    const conns = await Promise.all([0, 1, 2].map(() => PgConnection.open({ url: db.url, datasetId: 'dead' })));
    cleanup.push(() => Promise.all(conns.map((c) => c.close())));
    const trackers = conns.map(() => new PresenceTracker({ ttlMs }));
    const shares = await Promise.all(conns.map((c, i) => PresenceShare.start({ db: c, tracker: trackers[i]!, ttlMs, intervalMs: 100 })));
    cleanup.push(() => Promise.all(shares.map((s) => s.stop())));
    const [live, dying, leaving] = trackers as [PresenceTracker, PresenceTracker, PresenceTracker];
    const beat = () => live.heartbeat('/g', 'c0', 'viewing');
    beat();
    dying.heartbeat('/g', 'c1', 'viewing');
    leaving.heartbeat('/g', 'c2', 'editing');
    const counts = () => {
      beat(); // the live server's own client keeps beating
      live.prune();
      return [live.counts('/g').viewers, live.counts('/g').editors];
    };
    await until(counts, ([v, e]) => v === 2 && e === 1, 'all three counted');
    await shares[1]!.stop({ keepRows: true }); // died: its rows stay behind
    await shares[2]!.stop();
    await until(counts, ([v, e]) => v === 2 && e === 0, 'the cleanly stopped server gone at once', 1000);
    const diedAt = Date.now();
    await until(counts, ([v]) => v === 1, 'the dead server’s entry expired', ttlMs + 2000);
    expect(Date.now() - diedAt).toBeGreaterThan(ttlMs - 1000); // it did wait for the TTL, not vanish at once
  });

  it('with the database down presence keeps counting locally (logged once), and sharing resumes when it is back', async () => {
    const proxy = await tcpProxy(new URL(PG_ADMIN_URL));
    cleanup.push(() => proxy.close());
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    const flaky = await PgConnection.open({ url: viaProxy.toString(), datasetId: 'flaky', connectionTimeoutMillis: 500 });
    const steady = await PgConnection.open({ url: db.url, datasetId: 'flaky' });
    cleanup.push(() => flaky.close(), () => steady.close());
    const logged: string[] = [];
    const mine = new PresenceTracker();
    const theirs = new PresenceTracker();
    const shares = [
      await PresenceShare.start({ db: flaky, tracker: mine, intervalMs: 100, log: (m) => logged.push(m) }),
      await PresenceShare.start({ db: steady, tracker: theirs, intervalMs: 100 }),
    ];
    cleanup.push(() => Promise.all(shares.map((s) => s.stop())));
    theirs.heartbeat('/g', 'other', 'viewing');
    await until(() => mine.counts('/g').viewers, (n) => n === 1, 'the other server’s client');
    proxy.down();
    mine.heartbeat('/g', 'me', 'viewing');
    expect(mine.counts('/g').viewers).toBe(2); // local presence never waits for the database
    await until(() => logged.length, (n) => n >= 1, 'the outage logged');
    await new Promise((r) => setTimeout(r, 500)); // several failing syncs: still logged once
    expect(logged).toHaveLength(1);
    expect(theirs.counts('/g').viewers).toBe(1);
    proxy.up();
    await until(() => theirs.counts('/g').viewers, (n) => n === 2, 'sharing resumed', 5000);
    expect(logged).toHaveLength(2);
    expect(logged[1]).toMatch(/back/);
  });
});

/** A TCP proxy to PostgreSQL that a test can take down (closing every connection) and bring back on the same port. */
async function tcpProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => undefined);
          s.on('close', () => {
            sockets.delete(s);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await listen();
  const down = () => {
    server?.close();
    server = undefined;
    for (const s of sockets) s.destroy();
  };
  return {
    get port() {
      return port;
    },
    down,
    up: () => void listen(),
    close: async () => down(),
  };
}
