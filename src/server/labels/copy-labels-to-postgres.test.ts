import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/pg.js';
import { PgConnection } from '../postgres/pg-connection.js';
import { copyLabelsToPostgres } from './copy-labels-to-postgres.js';
import type { LabelStore, LabelWrite } from './label-store.js';
import { PostgresLabelStore } from './postgres-label-store.js';
import { SqliteLabelStore } from './sqlite-label-store.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-copy-pg-'));
let db: TestDatabase;
let connections: PgConnection[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(connections.map((c) => c.close()));
  connections = [];
});
afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const AT = '2026-03-01T00:00:00.000Z';
const FLAGS = ['pick', 'reject', null] as const;
const write = (path: string, expected: number | null, star: number): LabelWrite => ({
  path, expected_version: expected, labels: { tags: ['t', `s${star}`], notes: `n${star}`, star, flag: FLAGS[star % 3]! }, metrics: { q: star / 10 }, updated_at: AT, updated_by: 'ann',
});

async function connect(datasetId: string): Promise<PgConnection> {
  const c = await PgConnection.open({ url: db.url, datasetId, max: 2 });
  connections.push(c);
  return c;
}

/** A workspace with labels, moves, a compacted log and a seeded row. */
async function workspace(name: string): Promise<string> {
  const file = join(dir, `${name}.sqlite`);
  const store = new SqliteLabelStore(file, { eventRetention: 10 });
  for (let i = 0; i < 30; i++) await store.commit([{ writes: [write(`/p${i % 12}.jpg`, null, i % 6)] }], Date.now());
  await store.move([{ from: '/p1.jpg', to: '/moved/p1.jpg' }, { from: '/p2.jpg', to: '/p3.jpg' }, { from: '/p3.jpg', to: '/p2.jpg' }], { updated_at: AT, updated_by: 'watcher' });
  await store.seedDefaults([{ path: '/seeded.jpg', tags: ['s'], notes: '', star: 2, flag: 'reject' }], { updated_at: AT, updated_by: 'table' });
  await store.close();
  return file;
}

async function snapshot(store: LabelStore) {
  const labels = [];
  for await (const s of store.exportUnder('/')) labels.push(s);
  const head = await store.currentEventId();
  const histories = await Promise.all(['/moved/p1.jpg', '/p2.jpg', '/p3.jpg', '/p7.jpg'].map((p) => store.history(p, 50)));
  return { labels, head, histories, tail: await store.changesSince(head - 10, 100), before: (await store.changesSince(head - 11, 100)).reset };
}

describe('copyLabelsToPostgres', () => {
  it('[LP6] copies labels, versions, the event log with its ids and the compaction point; new ids continue above', async () => {
    const file = await workspace('full');
    const sqlite = new SqliteLabelStore(file, { eventRetention: 10 });
    const expected = await snapshot(sqlite);
    await sqlite.close();
    const connection = await connect('copy-full');
    expect(await copyLabelsToPostgres(file, connection)).toEqual({ labels: 13, events: expected.tail.events.length, alreadyThere: false });
    const pg = await PostgresLabelStore.open(connection, { eventRetention: 10 });
    const got = await snapshot(pg);
    expect(got).toEqual(expected);
    expect(got.before).toBe(true);
    // Flags (issue 12, LF4) travel with the labels.
    expect(new Set(got.labels.map((s) => s.flag))).toEqual(new Set(['pick', 'reject', null]));
    expect(got.labels.find((s) => s.path === '/seeded.jpg')?.flag).toBe('reject');
    const [o] = await pg.commit([{ writes: [write('/p7.jpg', null, 1)] }], Date.now());
    expect(o?.kind === 'committed' && o.results[0]).toMatchObject({ status: 'applied', event: { id: expected.head + 1 } });
  });

  it('[LP6] a second run finds the same rows and writes nothing; a dataset with other labels is refused in one line', async () => {
    const file = await workspace('twice');
    const connection = await connect('copy-twice');
    const first = await copyLabelsToPostgres(file, connection);
    expect(first.alreadyThere).toBe(false);
    const head = await (await PostgresLabelStore.open(connection)).currentEventId();
    expect(await copyLabelsToPostgres(file, connection)).toEqual({ ...first, alreadyThere: true });
    expect(await (await PostgresLabelStore.open(connection)).currentEventId()).toBe(head);

    // Another workspace into the same dataset: refused, and nothing of it is written.
    const other = join(dir, 'other.sqlite');
    const store = new SqliteLabelStore(other);
    await store.commit([{ writes: [write('/elsewhere.jpg', 1, 3)] }], Date.now());
    await store.close();
    const refused = await copyLabelsToPostgres(other, connection).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(/already has other labels/);
    expect((refused as Error).message).not.toContain('\n');
    expect((await (await PostgresLabelStore.open(connection)).get('/elsewhere.jpg')).version).toBe(1);

    // A labeled item changed in PostgreSQL since the copy: the rows differ, so it is refused too.
    const pg = await PostgresLabelStore.open(connection);
    await pg.commit([{ writes: [write('/p7.jpg', null, 5)] }], Date.now());
    await expect(copyLabelsToPostgres(file, connection)).rejects.toThrow(/already has other labels/);
  });

  it('[LP6] a missing file is refused without creating one', async () => {
    const connection = await connect('copy-missing');
    await expect(copyLabelsToPostgres(join(dir, 'absent.sqlite'), connection)).rejects.toThrow(/does not exist/);
  });
});
