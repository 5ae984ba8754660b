import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './support/child-server.js';
import { requestJson, type JsonResponse } from './support/http-json.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-crash-'));
const children: ChildServer[] = [];
afterAll(() => {
  for (const c of children) c.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ['main thread', {}],
  ['worker thread', { LENSLET_LABELS_SQLITE_THREAD: 'worker' }],
])('crash safety, SQLite on the %s', (name, env) => {
  it('[LD1] every write answered 200 before SIGKILL is there after restart, with its version', async () => {
    const db = join(dir, `${name.replace(' ', '-')}.sqlite`);
    const first = await startChildServer(db, env);
    children.push(first);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const acked: { path: string; version: number; star: number }[] = [];
    let stop = false;
    let killAt = 400; // kill once this many writes were acknowledged, while writers are still busy
    let killed!: () => void;
    const killedPromise = new Promise<void>((r) => (killed = r));

    const writer = async (w: number) => {
      // Half the writers share one item and rebase on 409; the others own their items.
      const shared = w % 2 === 0;
      let base = 1;
      for (let i = 0; !stop; i++) {
        const path = shared ? '/shared.jpg' : `/w${w}/${i % 5}.jpg`;
        if (!shared) base = acked.filter((a) => a.path === path).reduce((v, a) => Math.max(v, a.version), 1);
        const star = (w + i) % 6;
        let res: JsonResponse;
        try {
          res = await requestJson(agent, first.url, 'PATCH', `/item?path=${encodeURIComponent(path)}`, { base_version: base, set_star: star }, { 'idempotency-key': `w${w}:${i}` });
        } catch {
          return; // the server died mid-request: unacknowledged, so nothing to check
        }
        if (res.status === 200) {
          acked.push({ path, version: res.body.version, star });
          base = res.body.version;
          if (acked.length >= killAt) {
            killAt = Infinity;
            first.child.kill('SIGKILL');
            killed();
          }
        } else if (res.status === 409) {
          base = res.body.current.version;
        } else {
          throw new Error(`unexpected ${res.status}: ${JSON.stringify(res.body)}`);
        }
      }
    };
    const writers = Array.from({ length: 16 }, (_, w) => writer(w));
    await killedPromise;
    stop = true;
    await Promise.all(writers);
    expect(await first.exited).toBeNull(); // killed by the signal
    agent.destroy();

    const second = await startChildServer(db, env);
    children.push(second);
    const agent2 = new http.Agent({ keepAlive: true, maxSockets: 4 });
    expect(acked.length).toBeGreaterThanOrEqual(400);
    const byPath = new Map<string, { version: number; star: number }[]>();
    for (const a of acked) byPath.set(a.path, [...(byPath.get(a.path) ?? []), a]);
    for (const [path, writes] of byPath) {
      const item = await requestJson(agent2, second.url, 'GET', `/item?path=${encodeURIComponent(path)}`);
      const newest = writes.reduce((a, b) => (b.version > a.version ? b : a));
      expect(item.body.version).toBeGreaterThanOrEqual(newest.version);
      const history = await requestJson(agent2, second.url, 'GET', `/item/history?path=${encodeURIComponent(path)}&limit=1000`);
      const versions = new Set((history.body.entries as { version: number }[]).map((e) => e.version));
      for (const wr of writes) expect(versions.has(wr.version), `${path} v${wr.version}`).toBe(true);
      if (item.body.version === newest.version) expect(item.body.star).toBe(newest.star);
    }
    agent2.destroy();
    second.child.kill('SIGTERM');
    await second.exited;
  }, 60_000);
});
