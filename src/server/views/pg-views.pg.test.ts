import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/pg.js';
import { signedIn } from '../../../test/support/with-principal.js';
import { localPrincipal } from '../accounts/principal.js';
import { PgConnection } from '../postgres/pg-connection.js';
import { copyViewsToPostgres } from './pg-views-copy.js';
import type { OwnedView } from './view-access.js';
import { type ViewsUpdated, ViewsStore } from './views-store.js';

const admin = localPrincipal('local');
const view = (id: string, extra: Partial<OwnedView> = {}): OwnedView => ({ id, name: id.toUpperCase(), path: '/', recursive: true, filters: [], owner: 'local', shared: true, ...extra });

let db: TestDatabase;
const opened: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const c of opened.reverse()) await c.close();
  await db?.drop();
});

/** A "server": its own connection and store on `datasetId`, with the events its clients would get. */
async function server(datasetId: string) {
  const conn = await PgConnection.open({ url: db.url, datasetId });
  const events: ViewsUpdated[] = [];
  const store = await ViewsStore.open({ file: null, postgres: conn, publish: (e) => events.push(e) });
  opened.push(conn, store);
  return { conn, store, events };
}

async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('smart folders in PostgreSQL, several servers on one dataset', () => {
  it('VO11 a stale PUT on B after a PUT on A is a 409 with the current document; B’s clients hear of A’s write', async () => {
    const a = await server('stale');
    const b = await server('stale');
    const first = await a.store.put({ views: [view('a')], base: 1, key: 'k1', fingerprint: 'f1', by: admin });
    expect(first.outcome).toMatchObject({ kind: 'applied', doc: { version: 2 } });
    const stale = await b.store.put({ views: [view('b')], base: 1, key: 'k2', fingerprint: 'f2', by: admin });
    expect(stale.outcome).toEqual({ kind: 'conflict', base_version: 1, current: { version: 2, views: [view('a')] } });
    await until(() => b.events.length > 0, 'views-updated on B');
    expect(b.events.map((e) => [e.data.version, e.audience])).toEqual([[2, undefined]]);
    expect(b.store.get(admin)).toEqual({ version: 2, views: [view('a')] });
    // A heard its own write once, not again through the notification.
    await a.store.put({ views: [view('a'), view('c')], base: 2, key: 'k3', fingerprint: 'f3', by: admin });
    await until(() => b.events.length === 2, 'the second views-updated on B');
    expect(a.events.map((e) => e.data.version)).toEqual([2, 3]);
  });

  it('VO11 concurrent writes with one base spread over two servers: exactly one applies', async () => {
    const a = await server('race');
    const b = await server('race');
    const writes = Array.from({ length: 10 }, (_, i) =>
      (i % 2 ? a : b).store.put({ views: [view(`v${i}`)], base: 1, key: `k${i}`, fingerprint: `f${i}`, by: admin }),
    );
    const kinds = (await Promise.all(writes)).map((w) => w.outcome.kind);
    expect(kinds.filter((k) => k === 'applied')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'conflict')).toHaveLength(9);
  });

  it('VO8 VO11 an Idempotency-Key retried on another server replays the first answer and applies nothing', async () => {
    const a = await server('replay');
    const b = await server('replay');
    const write = { views: [view('a')], base: 1, key: 'k', fingerprint: 'f', by: admin };
    const first = await a.store.put(write);
    const again = await b.store.put(write);
    expect(again).toEqual({ outcome: first.outcome, replayed: true });
    await expect(b.store.put({ ...write, fingerprint: 'other' })).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    await expect(b.store.put({ ...write, by: signedIn('mallory', 'admin') })).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    // A conflict's record too.
    const stale = await a.store.put({ views: [], base: 1, key: 'k2', fingerprint: 'f2', by: admin });
    expect(await b.store.put({ views: [], base: 1, key: 'k2', fingerprint: 'f2', by: admin })).toEqual({ outcome: stale.outcome, replayed: true });
    expect(b.store.get(admin).version).toBe(2);
  });

  it('VO7 VO11 a private change made on A reaches only its owner on B', async () => {
    const a = await server('audience');
    const b = await server('audience');
    const ann = signedIn('ann');
    const bob = signedIn('bob');
    await a.store.put({ views: [view('mine', { shared: false })], base: 1, key: 'k', fingerprint: 'f', by: ann });
    await until(() => b.events.length > 0, 'views-updated on B');
    const audience = b.events[0]!.audience!;
    expect([audience(ann), audience(bob)]).toEqual([true, false]);
    expect(b.store.get(bob).views).toEqual([]);
    expect(b.store.get(ann).views.map((v) => v.id)).toEqual(['mine']);
  });

  it('VO11 datasets are isolated: another dataset neither sees the document nor hears of its changes', async () => {
    const a = await server('iso-1');
    const other = await server('iso-2');
    await a.store.put({ views: [view('a')], base: 1, key: 'k', fingerprint: 'f', by: admin });
    const again = await server('iso-1');
    expect(again.store.get(admin).version).toBe(2);
    // The same key on the other dataset is a new request there.
    const there = await other.store.put({ views: [view('z')], base: 1, key: 'k', fingerprint: 'f', by: admin });
    expect(there).toMatchObject({ replayed: false, outcome: { kind: 'applied', doc: { version: 2, views: [view('z')] } } });
    expect(other.events.map((e) => e.data.version)).toEqual([2]);
    expect(a.store.get(admin).views).toEqual([view('a')]);
  });

  it('copyViewsToPostgres copies the file (records included) once, then does nothing, and refuses another document', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-views-copy-'));
    const file = path.join(dir, 'views.json');
    const local = await ViewsStore.open({ file });
    const applied = await local.put({ views: [view('a'), view('b')], base: 1, key: 'k1', fingerprint: 'f1', by: admin });
    const b = await server('copy'); // already serving the empty document
    const conn = await PgConnection.open({ url: db.url, datasetId: 'copy' });
    opened.push(conn);
    expect(await copyViewsToPostgres(file, undefined, conn)).toEqual({ views: 2, copied: true });
    expect(await copyViewsToPostgres(file, undefined, conn)).toEqual({ views: 2, copied: false });
    await until(() => b.store.get(admin).version === 2, 'B to load the copied document');
    expect(b.store.get(admin).views).toEqual([view('a'), view('b')]);
    expect(b.events.map((e) => [e.data.version, e.audience])).toEqual([[2, undefined]]);
    // A retry of a write made before the move replays.
    expect(await b.store.put({ views: [view('a'), view('b')], base: 1, key: 'k1', fingerprint: 'f1', by: admin })).toEqual({
      outcome: applied.outcome,
      replayed: true,
    });
    const otherFile = path.join(dir, 'other.json');
    writeFileSync(otherFile, JSON.stringify({ version: 4, views: [view('x')] }));
    await expect(copyViewsToPostgres(otherFile, undefined, conn)).rejects.toThrow(/already has other smart folders/);
    expect(await copyViewsToPostgres(path.join(dir, 'none.json'), undefined, conn)).toEqual({ views: 0, copied: false });
  });

  it('a version-1 file with views is stored one version up, so a client of the empty document cannot overwrite it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-views-copy-'));
    const legacy = path.join(dir, 'legacy.json');
    writeFileSync(legacy, JSON.stringify({ version: 1, views: [{ id: 'old', name: 'Old' }] }));
    const b = await server('copy-v1');
    expect(await copyViewsToPostgres(path.join(dir, 'views.json'), legacy, b.conn)).toEqual({ views: 1, copied: true });
    expect(await copyViewsToPostgres(path.join(dir, 'views.json'), legacy, b.conn)).toEqual({ views: 1, copied: false });
    const stale = await b.store.put({ views: [], base: 1, key: 'k', fingerprint: 'f', by: admin });
    expect(stale.outcome).toMatchObject({ kind: 'conflict', current: { version: 2, views: [{ id: 'old', owner: null, shared: true }] } });
  });
});
