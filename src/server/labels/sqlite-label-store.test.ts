import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runLabelStoreContract } from './label-store.contract.js';
import { SQLITE_MIGRATIONS } from './migrations/sqlite-migrations.js';
import { SqliteLabelStore } from './sqlite-label-store.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-sqlite-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SqliteLabelStore', () => {
  runLabelStoreContract((options) => new SqliteLabelStore(join(dir, `labels-${n++}.sqlite`), options), {
    async reopen(store, options) {
      await store.close();
      return new SqliteLabelStore(store.location!, options);
    },
  });

  it('opens with WAL and synchronous=FULL', async () => {
    const store = new SqliteLabelStore(join(dir, 'pragmas.sqlite'));
    const db = (store as unknown as { db: import('better-sqlite3').Database }).db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    await store.close();
  });

  it('upgrades a version-1 file: labels and events kept, rendered replies under old keys dropped', async () => {
    const file = join(dir, 'v1.sqlite');
    const old = new Database(file);
    old.exec(SQLITE_MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO labels VALUES ('/a.jpg', '[\"x\"]', '', 3, '{}', 2, '2026-01-23T19:22:05.000Z', 'ann')").run();
    old.prepare("INSERT INTO events (type, path, data, changes) VALUES ('item-updated', '/a.jpg', '{\"path\":\"/a.jpg\",\"version\":2}', '{}')").run();
    old.prepare("INSERT INTO idempotency VALUES ('k1', 'f1', 200, '{\"path\":\"/a.jpg\"}', ?)").run(Date.now());
    old.close();

    const store = new SqliteLabelStore(file);
    try {
      expect(await store.get('/a.jpg')).toMatchObject({ tags: ['x'], star: 3, version: 2, updated_by: 'ann' });
      expect(await store.currentEventId()).toBe(1);
      expect(await store.getIdempotency('k1', Date.now())).toBeUndefined();
      const write = { path: '/a.jpg', expected_version: 2, patch: { set_star: 4 }, updated_at: '2026-01-23T19:22:06.000Z', updated_by: 'ben' };
      const shape = { kind: 'item' as const, path: '/a.jpg', base_version: 2 };
      await store.commit([{ writes: [write], idempotency: { key: 'k1', fingerprint: 'f2', shape } }], Date.now());
      expect(await store.getIdempotency('k1', Date.now())).toMatchObject({
        fingerprint: 'f2',
        outcome: { kind: 'item', result: { kind: 'applied', path: '/a.jpg', item: { star: 4, version: 3 } } },
      });
    } finally {
      await store.close();
    }
  });

  it('[LS25] upgrades a version-3 file: rows unflagged, older events still read, then flags are stored', async () => {
    const file = join(dir, 'v3.sqlite');
    const old = new Database(file);
    for (const step of SQLITE_MIGRATIONS.slice(0, 3)) old.exec(step);
    old.pragma('user_version = 3');
    old.prepare("INSERT INTO labels VALUES ('/a.jpg', '[]', '', 2, '{}', 2, '2026-01-23T19:22:05.000Z', 'ann')").run();
    const data = '{"path":"/a.jpg","version":2,"tags":[],"notes":"","star":2,"updated_at":"2026-01-23T19:22:05.000Z","updated_by":"ann"}';
    old.prepare("INSERT INTO events (type, path, data, changes) VALUES ('item-updated', '/a.jpg', ?, '{}')").run(data);
    old.close();

    const store = new SqliteLabelStore(file);
    try {
      expect(await store.get('/a.jpg')).toMatchObject({ star: 2, flag: null, version: 2 });
      expect((await store.changesSince(0, 10)).events).toHaveLength(1);
      const write = { path: '/a.jpg', expected_version: 2, patch: { set_flag: 'pick' as const }, updated_at: '2026-01-23T19:22:06.000Z', updated_by: 'ben' };
      await store.commit([{ writes: [write] }], Date.now());
      expect(await store.get('/a.jpg')).toMatchObject({ star: 2, flag: 'pick', version: 3 });
      const db = (store as unknown as { db: import('better-sqlite3').Database }).db;
      expect(() => db.prepare("UPDATE labels SET flag = 'maybe'").run()).toThrow(/CHECK/);
    } finally {
      await store.close();
    }
  });
});
