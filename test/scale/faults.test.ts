/**
 * Faults with several real servers on one PostgreSQL dataset: a server killed under load loses no
 * acknowledged write; the database going away answers 503 store_unavailable (never 500, never a
 * false 200), and writes and SSE come back by themselves when it returns.
 */
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImageTree, makeTempDir, removeDir } from '../factories/image-tree.js';
import { SseClient } from '../labels/support/sse-client.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { call, getItem, setStar, type Reply } from './support/http.js';
import { startLenslet, until, type LensletProcess } from './support/lenslet-process.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const ITEMS = 24;
let db: TestDatabase;
let dir: string;
let folder: string;
const servers: LensletProcess[] = [];
const streams: SseClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  dir = makeTempDir('lenslet-scale-faults-');
  const spec: Record<string, { w: number; h: number }> = {};
  for (let i = 0; i < ITEMS; i++) spec[`i${i}.jpg`] = { w: 8, h: 8 };
  folder = await makeImageTree(join(dir, 'photos'), spec);
}, 60_000);

afterAll(async () => {
  for (const s of streams) s.close();
  for (const s of servers) s.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
  await db.drop();
  removeDir(dir);
});

async function start(name: string, datasetId: string, url = db.url): Promise<LensletProcess> {
  const server = await startLenslet({ root: folder, store: url, datasetId, workspace: join(dir, `ws-${datasetId}-${name}`) });
  servers.push(server);
  return server;
}

describe('faults with several servers on PostgreSQL', () => {
  it('SIGKILL of one server under a write load over two: every acknowledged write is there afterwards', async () => {
    const [a, b] = await Promise.all([start('a', 'kill'), start('b', 'kill')]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const acked: { path: string; version: number; star: number }[] = [];
    let stop = false;
    let killAt = 150;
    const writer = async (w: number) => {
      const server = w % 2 ? a : b;
      // Half the writers share one item and rebase on 409: conflicts across the two servers too.
      const shared = w % 4 < 2;
      const versions = new Map<string, number>();
      for (let i = 0; !stop; i++) {
        const path = shared ? '/i0.jpg' : `/i${1 + ((w * 3 + i) % (ITEMS - 1))}.jpg`;
        const star = (w + i) % 6;
        let res: Reply;
        try {
          res = await setStar(agent, server.url, path, star, versions.get(path) ?? (await getItem(agent, server.url, path)).body.version, `k${w}:${i}`, { 'x-client-id': `writer-${w}` });
        } catch {
          return; // its server died mid-request: unacknowledged, nothing to check
        }
        if (res.status === 200) {
          acked.push({ path, version: res.body.version, star });
          versions.set(path, res.body.version);
          if (acked.length >= killAt) {
            killAt = Infinity;
            a.child.kill('SIGKILL');
          }
        } else if (res.status === 409) {
          versions.set(path, res.body.current.version);
        } else {
          throw new Error(`unexpected ${res.status}: ${JSON.stringify(res.body)}`);
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await a.exited;
    // The survivor keeps taking writes for a while after the kill.
    const afterKill = acked.length;
    await until(() => acked.length >= afterKill + 50, 15_000, 'writes on the surviving server');
    stop = true;
    await Promise.all(writers);
    agent.destroy();

    const check = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const byPath = new Map<string, { version: number; star: number }[]>();
    for (const x of acked) byPath.set(x.path, [...(byPath.get(x.path) ?? []), x]);
    for (const [path, writes] of byPath) {
      const history = await call(check, b.url, 'GET', `/item/history?path=${encodeURIComponent(path)}&limit=1000`);
      const versions = new Set((history.body.entries as { version: number }[]).map((e) => e.version));
      for (const x of writes) expect(versions.has(x.version), `${path} v${x.version}`).toBe(true);
      const newest = writes.reduce((p, q) => (q.version > p.version ? q : p));
      const item = (await getItem(check, b.url, path)).body;
      expect(item.version).toBe(newest.version);
      expect(item.star ?? 0).toBe(newest.star);
    }
    check.destroy();
  }, 60_000);

  it('PostgreSQL unreachable: writes answer 503 store_unavailable with Retry-After, then writes and SSE recover without a restart', async () => {
    const proxy = await TcpProxy.start('127.0.0.1', 5432);
    try {
      const url = proxy.rewrite(db.url);
      const [a, b] = await Promise.all([start('a', 'outage', url), start('b', 'outage', url)]);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
      const path = '/i5.jpg';
      let base = (await getItem(agent, a.url, path)).body.version as number;
      const first = await setStar(agent, a.url, path, 1, base, 'outage:0');
      expect(first.status).toBe(200);
      base = first.body.version;
      const onB = await SseClient.connect(`${b.url}/events`, {}, new http.Agent());
      streams.push(onB);
      await onB.until(() => onB.comments.includes('connected'), 5000, 'connected');

      await proxy.down();
      const during: Reply[] = [];
      for (let i = 0; i < 6; i++) during.push(await setStar(agent, (i % 2 ? a : b).url, path, 2, base, `outage:down:${i}`));
      for (const r of during) {
        expect(r.status, JSON.stringify(r.body)).toBe(503);
        expect(r.body.error.code).toBe('store_unavailable');
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      }
      const health = (await call(agent, a.url, 'GET', '/health')).body;
      expect(health.labels).toMatchObject({ store: 'postgres', connection: 'unavailable' });

      await proxy.up();
      // As the web queue does: resend until accepted; every answer meanwhile is a 503, never a 500.
      let back: Reply | undefined;
      await until(async () => {
        const r = await setStar(agent, a.url, path, 4, base, 'outage:up');
        if (r.status !== 200) expect(r.status, JSON.stringify(r.body)).toBe(503);
        else back = r;
        return r.status === 200;
      }, 15_000, 'a write accepted after the database came back');
      expect(back!.body.version).toBe(base + 1);
      // B's stream, open through the outage, gets the write made on A once B listens again.
      await onB.until(() => onB.events('item-updated').some((m) => (m.json as { version: number; path: string }).path === path && (m.json as { version: number }).version === base + 1), 10_000, 'the write on B after the outage');
      const onBWrite = await setStar(agent, b.url, path, 5, base + 1, 'outage:b');
      expect(onBWrite.status).toBe(200);
      expect((await call(agent, a.url, 'GET', '/health')).body.labels.connection).toBe('connected');
      agent.destroy();
    } finally {
      await proxy.down();
    }
  }, 90_000);
});
