import type { QueryConfig } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeed, type FeedEvent } from '../../src/server/events/change-feed.js';
import { LabelService } from '../../src/server/labels/label-service.js';
import type { LabelStoreOptions, LabelWrite, WriteUnit } from '../../src/server/labels/label-store.js';
import { PostgresLabelStore } from '../../src/server/labels/postgres-label-store.js';
import { PgConnection } from '../../src/server/postgres/pg-connection.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

// Several PgConnections on one dataset play several servers; one database for the file.
let db: TestDatabase;
let connections: PgConnection[] = [];
let services: LabelService[] = [];
let n = 0;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  for (const s of services) await s.close();
  await Promise.all(connections.map((c) => c.close()));
  services = [];
  connections = [];
});
afterAll(async () => {
  await db?.drop();
});

const AT = '2026-03-01T00:00:00.000Z';

async function server(datasetId: string, options?: LabelStoreOptions): Promise<PostgresLabelStore> {
  const connection = await PgConnection.open({ url: db.url, datasetId, max: 4 });
  connections.push(connection);
  return PostgresLabelStore.open(connection, options);
}

function write(path: string, expected: number | null, star: number, by = 'w'): LabelWrite {
  return { path, expected_version: expected, labels: { tags: [], notes: '', star }, updated_at: AT, updated_by: by };
}

function keyed(key: string, w: LabelWrite): WriteUnit {
  return { writes: [w], idempotency: { key, fingerprint: key, shape: { kind: 'item', path: w.path, base_version: w.expected_version } } };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('PostgresLabelStore across servers', () => {
  it('[LP2] concurrent writers on 3 servers: ids have no gaps, and a reader never finds an id below one it saw', async () => {
    const dataset = `order-${n++}`;
    const servers = await Promise.all([0, 1, 2].map(() => server(dataset)));
    const reader = await server(dataset);
    const committed = new Set<number>();
    let writing = true;
    const seen: number[] = [];
    const read = (async () => {
      let last = 0;
      for (;;) {
        const done = !writing;
        const page = await reader.changesSince(last, 1000);
        expect(page.reset).toBe(false);
        for (const e of page.events) {
          // Strictly the next id: a later page never holds an id below (or skips past) one seen.
          expect(e.id).toBe(last + 1);
          last = e.id;
          seen.push(e.id);
        }
        if (done && page.events.length === 0) return;
      }
    })();
    // 3 servers × 4 writers × 25 commits of 1–3 writes each, all in flight at once.
    await Promise.all(
      servers.flatMap((store, s) =>
        [0, 1, 2, 3].map(async (w) => {
          for (let i = 0; i < 25; i++) {
            const writes = Array.from({ length: 1 + (i % 3) }, (_, k) => write(`/s${s}/w${w}/${i}-${k}.jpg`, null, k));
            const [outcome] = await store.commit([{ writes }], Date.now());
            if (outcome?.kind !== 'committed') throw new Error('expected a commit');
            for (const r of outcome.results) if (r.status === 'applied') committed.add(r.event.id);
          }
        }),
      ),
    );
    writing = false;
    await read;
    // 3 × 4 writers, each 25 commits of 1, 2, 3, 1, 2, 3, … writes: 49 writes per writer.
    expect(committed.size).toBe(3 * 4 * 49);
    const head = await reader.currentEventId();
    expect(seen).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect([...committed].sort((a, b) => a - b)).toEqual(seen);
  });

  it('[LP3] a conflict is detected across servers: 20 writes on one base version over two stores, one applies', async () => {
    const dataset = `conflict-${n++}`;
    const [a, b] = [await server(dataset), await server(dataset)];
    await a.commit([{ writes: [write('/x.jpg', 1, 1)] }], Date.now());
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).commit([{ writes: [write('/x.jpg', 2, i % 6, `c${i}`)] }], Date.now())),
    );
    const statuses = outcomes.map(([o]) => (o?.kind === 'committed' ? o.results[0]!.status : o?.kind));
    expect(statuses.filter((s) => s === 'applied')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'conflict')).toHaveLength(19);
    expect(await b.get('/x.jpg')).toMatchObject({ version: 3 });
    expect((await a.changesSince(0, 100)).events).toHaveLength(2);
  });

  it('[LP3] an idempotency key recorded by one server replays on the other, also when both race', async () => {
    const dataset = `idem-${n++}`;
    const [a, b] = [await server(dataset), await server(dataset)];
    const now = Date.now();
    const [first] = await a.commit([keyed('k1', write('/x.jpg', 1, 4))], now);
    expect(first?.kind).toBe('committed');
    const [again] = await b.commit([keyed('k1', write('/x.jpg', 2, 5))], now + 1);
    expect(again).toMatchObject({ kind: 'replayed', record: { key: 'k1', created_at_ms: now } });
    expect(await b.get('/x.jpg')).toMatchObject({ star: 4, version: 2 });
    expect(await b.getIdempotency('k1', now + 2)).toMatchObject({ fingerprint: 'k1' });

    const race = await Promise.all([a, b, a, b].map((s) => s.commit([keyed('k2', write('/y.jpg', null, 3))], now)));
    expect(race.map(([o]) => o?.kind).sort()).toEqual(['committed', 'replayed', 'replayed', 'replayed']);
    expect(await a.get('/y.jpg')).toMatchObject({ version: 2 });
  });

  it('[LP7] a commit planned from rows another server changed before the lock plans again: no write is lost, a key recorded meanwhile replays', async () => {
    const dataset = `cas-${n++}`;
    const a = await server(dataset);
    const aConnection = connections.at(-1)!;
    const b = await server(dataset);
    // Runs `between` right before a's next commit statement takes the lock: after a planned it
    // from a read, or from the rows it holds from its own last commit.
    let between: (() => Promise<unknown>) | undefined;
    const query = aConnection.query.bind(aConnection);
    aConnection.query = (async (text: string | QueryConfig, values?: unknown[]) => {
      if (typeof text === 'object' && text.name === 'lenslet_labels_commitPlanned' && between) {
        const run = between;
        between = undefined;
        await run();
      }
      return query(text, values);
    }) as typeof aConnection.query;

    await a.commit([{ writes: [write('/p.jpg', 1, 1, 'a')] }], Date.now());
    // An unconditional write lands on b's row, not on the version a read first.
    between = () => b.commit([{ writes: [write('/p.jpg', 2, 5, 'b')] }], Date.now());
    const metrics = { path: '/p.jpg', expected_version: null, metrics: { m: 1 }, updated_at: AT, updated_by: 'a' };
    const [merged] = await a.commit([{ writes: [metrics] }], Date.now());
    expect(between).toBeUndefined();
    expect(merged).toMatchObject({ kind: 'committed', results: [{ status: 'applied', event: { id: 3 }, sidecar: { version: 4, star: 5, metrics: { m: 1 } } }] });
    expect(await b.get('/p.jpg')).toMatchObject({ version: 4, star: 5, metrics: { m: 1 } });
    // a's catch-up after that commit: b's event, then a's own, as the log has them.
    expect((await a.changesSince(1, 100)).events.map((e) => [e.id, e.path, e.data.updated_by])).toEqual([
      [2, '/p.jpg', 'b'],
      [3, '/p.jpg', 'a'],
    ]);

    // A write on the version b just overtook is a conflict against b's row.
    between = () => b.commit([{ writes: [write('/p.jpg', 4, 2, 'b')] }], Date.now());
    const [late] = await a.commit([{ writes: [write('/p.jpg', 4, 3, 'a')] }], Date.now());
    expect(late).toMatchObject({ kind: 'committed', results: [{ status: 'conflict', current: { version: 5, star: 2, updated_by: 'b' } }] });

    // A key b records between a's read and its lock replays b's outcome on a; nothing of a's is applied.
    between = () => b.commit([keyed('k1', write('/q.jpg', 1, 4, 'b'))], Date.now());
    const [replayed] = await a.commit([keyed('k1', write('/q.jpg', 1, 1, 'a'))], Date.now());
    expect(replayed).toMatchObject({ kind: 'replayed', record: { outcome: { kind: 'item', result: { kind: 'applied', item: { star: 4 } } } } });
    expect(await a.get('/q.jpg')).toMatchObject({ version: 2, star: 4 });

    // b overtakes every optimistic attempt (3): a then locks first, and applies on b's last row.
    let overtakes = 0;
    const overtake = async () => {
      overtakes++;
      await b.commit([{ writes: [{ ...metrics, metrics: { b: overtakes }, updated_by: 'b' }] }], Date.now());
      if (overtakes < 3) between = overtake;
    };
    between = overtake;
    const [locked] = await a.commit([{ writes: [{ ...metrics, metrics: { m: 2 } }] }], Date.now());
    expect(overtakes).toBe(3);
    expect(locked).toMatchObject({ kind: 'committed', results: [{ status: 'applied', sidecar: { version: 9, metrics: { m: 2, b: 3 } } }] });

    // The log has one event per applied write, ids without gaps, in commit order.
    const log = (await b.changesSince(0, 100)).events.map((e) => [e.id, e.data.updated_by]);
    expect(log).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'a'],
      [4, 'b'],
      [5, 'b'],
      [6, 'b'],
      [7, 'b'],
      [8, 'b'],
      [9, 'a'],
    ]);
  });

  it('[LP8] a commit brings the events other servers committed before it, and plans from rows it wrote without reading them', async () => {
    const dataset = `gap-${n++}`;
    const a = await server(dataset);
    const aConnection = connections.at(-1)!;
    const b = await server(dataset);
    const named: string[] = [];
    const query = aConnection.query.bind(aConnection);
    aConnection.query = ((text: string | QueryConfig, values?: unknown[]) => {
      if (typeof text === 'object' && text.name) named.push(text.name);
      return query(text, values);
    }) as typeof aConnection.query;

    await a.commit([{ writes: [write('/a.jpg', 1, 1, 'a')] }], Date.now());
    await b.commit([{ writes: [write('/b.jpg', 1, 2, 'b')] }], Date.now());
    await b.commit([{ writes: [write('/b.jpg', 2, 3, 'b')] }], Date.now());
    named.length = 0;
    const [second] = await a.commit([{ writes: [write('/a.jpg', 2, 4, 'a')] }], Date.now());
    expect(second).toMatchObject({ kind: 'committed', results: [{ status: 'applied', event: { id: 4 } }] });
    // Planned from the row its first commit wrote: one statement, no read.
    expect(named).toEqual(['lenslet_labels_commitPlanned']);
    expect(a.recentEvents(1, 3)?.map((e) => [e.id, e.path, e.data.version])).toEqual([
      [2, '/b.jpg', 2],
      [3, '/b.jpg', 3],
    ]);
    // Only what it holds whole: an earlier start or a later end is the log's to answer.
    expect(a.recentEvents(0, 3)).toBeUndefined();
    expect(a.recentEvents(1, 4)).toBeUndefined();

    // b overwrites a's row: a's next commit on it fails its check, reads, and conflicts on b's row.
    await b.commit([{ writes: [write('/a.jpg', null, 5, 'b')] }], Date.now());
    named.length = 0;
    const [stale] = await a.commit([{ writes: [write('/a.jpg', 3, 6, 'a')] }], Date.now());
    expect(stale).toMatchObject({ kind: 'committed', results: [{ status: 'conflict', current: { version: 4, star: 5, updated_by: 'b' } }] });
    expect(named).toEqual(['lenslet_labels_commitPlanned', 'lenslet_labels_readForCommit']);

    // A conflict found on a held row is not answered from memory: a write based on b's newer
    // version reads that version and applies.
    await b.commit([{ writes: [write('/a.jpg', null, 7, 'b')] }], Date.now());
    const [fresh] = await a.commit([{ writes: [write('/a.jpg', 5, 8, 'a')] }], Date.now());
    expect(fresh).toMatchObject({ kind: 'committed', results: [{ status: 'applied', sidecar: { version: 6, star: 8 } }] });
  });

  it('[LP1] datasets are isolated: another dataset sees none of the rows, events, keys or moves', async () => {
    const one = await server(`iso-a-${n++}`);
    const other = await server(`iso-b-${n++}`);
    const now = Date.now();
    await one.commit([keyed('k', write('/x.jpg', 1, 4))], now);
    await one.move([{ from: '/x.jpg', to: '/y.jpg' }], { updated_at: AT, updated_by: 'watcher' });
    await one.seedDefaults([{ path: '/s.jpg', tags: ['t'], notes: '', star: 1, flag: null }], { updated_at: AT, updated_by: 'table' });
    expect(await other.get('/y.jpg')).toMatchObject({ version: 1, updated_at: null });
    expect(await other.currentEventId()).toBe(0);
    expect(await other.changesSince(0, 10)).toEqual({ events: [], reset: false });
    expect(await other.history('/y.jpg', 10)).toEqual([]);
    expect(await other.getIdempotency('k', now)).toBeUndefined();
    const exported = [];
    for await (const s of other.exportUnder('/')) exported.push(s);
    expect(exported).toEqual([]);
    // The same key and paths are free in the other dataset.
    const [o] = await other.commit([keyed('k', write('/y.jpg', 1, 2))], now);
    expect(o?.kind === 'committed' && o.results[0]).toMatchObject({ status: 'applied', event: { id: 1 } });
    expect((await other.seedDefaults([{ path: '/s.jpg', tags: [], notes: '', star: null, flag: null }], { updated_at: AT, updated_by: 'table' })).inserted).toEqual(['/s.jpg']);
    expect(await one.get('/y.jpg')).toMatchObject({ star: 4, version: 3 });
    expect(await one.currentEventId()).toBe(2);
  });

  it('[LV7][LP5] each server publishes every server\'s events to its clients in id order, once, woken by NOTIFY', async () => {
    const dataset = `lv7-${n++}`;
    // A poll this slow cannot be what delivers the events within the test: NOTIFY must.
    const options = { externalPollMs: 60_000 };
    const feeds = [new ChangeFeed(), new ChangeFeed()];
    const got: FeedEvent[][] = [[], []];
    feeds.forEach((f, i) => {
      f.subscribe((e) => got[i]!.push(e));
    });
    for (const feed of feeds) {
      services.push(await LabelService.open({ store: await server(dataset, options), feed, itemExists: () => true }));
    }
    const [a, b] = services as [LabelService, LabelService];
    // Concurrent writes on both servers: each of 20 paths written at version 1 through both, so one of each pair applies.
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        ((i + Math.floor(i / 20)) % 2 ? a : b).putItem(`/p${i % 20}.jpg`, { tags: [], notes: '', star: i % 6, flag: null }, 1, { key: `lv7-${i}`, actor: 'u' }),
      ),
    );
    const kinds = replies.map((r) => (r.outcome.kind === 'item' ? r.outcome.result.kind : r.outcome.kind));
    expect(kinds.filter((k) => k === 'applied')).toHaveLength(20);
    const head = await connections[0]!.query<{ last_event_id: string }>('SELECT last_event_id FROM lenslet_datasets WHERE key = $1', [connections[0]!.dataset]);
    const expected = Array.from({ length: Number(head.rows[0]!.last_event_id) }, (_, i) => i + 1);
    expect(expected.length).toBe(20);
    for (const events of got) {
      await waitFor(() => events.filter((e) => e.id !== null).length >= expected.length, 'every event on both servers', 5000);
      expect(events.map((e) => e.id)).toEqual(expected);
    }
    expect(a.peek('/p3.jpg')).toEqual(b.peek('/p3.jpg'));
    expect(a.health()).toMatchObject({ store: 'postgres', persistent: true, connection: 'connected', last_event_id: 20 });
  });
});
