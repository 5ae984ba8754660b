import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/pg.js';
import { TcpProxy } from '../../../test/support/tcp-proxy.js';
import { AppError } from '../app-error.js';
import { PgConnection } from './pg-connection.js';
import { isUnavailable, storeError } from './pg-errors.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('PgConnection', () => {
  it('servers starting at once migrate once and agree on the dataset key; another dataset gets another key', async () => {
    const steps = ['CREATE TABLE t_once (x INT)', 'ALTER TABLE t_once ADD COLUMN y INT'];
    const opened = await Promise.all([0, 1, 2].map(() => PgConnection.open({ url: db.url, datasetId: 'photos' })));
    try {
      await Promise.all(opened.map((c) => c.migrate('demo', steps)));
      expect(new Set(opened.map((c) => c.dataset)).size).toBe(1);
      const other = await PgConnection.open({ url: db.url, datasetId: 'other' });
      expect(other.dataset).not.toBe(opened[0]!.dataset);
      await other.close();
      const version = await opened[0]!.query<{ version: number }>("SELECT version FROM lenslet_migrations WHERE component = 'demo'");
      expect(version.rows[0]!.version).toBe(2);
    } finally {
      await Promise.all(opened.map((c) => c.close()));
    }
  });

  it('a transaction that throws leaves nothing; LISTEN hears a NOTIFY sent on commit only', async () => {
    const c = await PgConnection.open({ url: db.url, datasetId: 'photos' });
    try {
      await c.migrate('demo2', ['CREATE TABLE t_tx (x INT)']);
      const heard: string[] = [];
      const stop = await c.listen('lenslet_test', (payload) => heard.push(payload));
      await expect(
        c.tx(async (client) => {
          await client.query('INSERT INTO t_tx VALUES (1)');
          await client.query("SELECT pg_notify('lenslet_test', 'rolled back')");
          throw new Error('no');
        }),
      ).rejects.toThrow('no');
      await c.tx(async (client) => {
        await client.query('INSERT INTO t_tx VALUES (2)');
        await client.query("SELECT pg_notify('lenslet_test', 'kept')");
      });
      const deadline = Date.now() + 5000;
      while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(heard).toEqual(['kept']);
      expect((await c.query('SELECT x FROM t_tx')).rows).toEqual([{ x: 2 }]);
      await stop();
    } finally {
      await c.close();
    }
  });

  it('LISTEN that cannot connect at first keeps trying, and says so once it listens (onReconnect)', async () => {
    const proxy = await TcpProxy.start('127.0.0.1', Number(new URL(db.url).port || 5432));
    const c = await PgConnection.open({ url: proxy.rewrite(db.url), datasetId: 'photos' });
    const direct = await PgConnection.open({ url: db.url, datasetId: 'photos' });
    try {
      await proxy.down();
      const heard: string[] = [];
      let reconnected = 0;
      const stop = await c.listen('lenslet_late', (payload) => heard.push(payload), () => reconnected++);
      await proxy.up();
      await expect.poll(() => reconnected, { timeout: 10_000 }).toBe(1);
      await direct.query("SELECT pg_notify('lenslet_late', 'after')");
      await expect.poll(() => heard, { timeout: 5000 }).toEqual(['after']);
      await stop();
    } finally {
      await Promise.all([c.close(), direct.close()]);
      await proxy.down();
    }
  });

  it('a database that is not there is store_unavailable (503); a wrong statement is not', async () => {
    const down = 'postgres://postgres@127.0.0.1:1/nothing';
    const error = await PgConnection.open({ url: down, datasetId: 'x', connectionTimeoutMillis: 500 }).catch((e: unknown) => e);
    expect(isUnavailable(error)).toBe(true);
    const coded = (code: string) => Object.assign(new Error('x'), { code });
    for (const code of ['57P01', '57P03', '08006', '08001', 'ECONNRESET']) expect(storeError(coded(code)), code).toBeInstanceOf(AppError);
    expect((storeError(coded('57P01')) as AppError).code).toBe('store_unavailable');
    expect(storeError(new Error('Connection terminated unexpectedly'))).toBeInstanceOf(AppError);
    const c = await PgConnection.open({ url: db.url, datasetId: 'photos' });
    try {
      const wrong = await c.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
      expect(wrong).not.toBeInstanceOf(AppError);
      expect(c.state).toBe('connected');
    } finally {
      await c.close();
    }
  });
});
