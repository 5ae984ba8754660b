import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/server/app-error.js';
import type { LabelWrite } from '../../src/server/labels/label-store.js';
import { PostgresLabelStore } from '../../src/server/labels/postgres-label-store.js';
import { PgConnection } from '../../src/server/postgres/pg-connection.js';
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from '../support/pg.js';
import { TcpProxy } from '../support/tcp-proxy.js';

let db: TestDatabase;
let proxy: TcpProxy;
beforeAll(async () => {
  db = await createTestDatabase();
  const target = new URL(PG_ADMIN_URL);
  proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
});
afterAll(async () => {
  await proxy?.down();
  await db?.drop();
});

const AT = '2026-03-01T00:00:00.000Z';
const write = (path: string, expected: number | null, star: number): LabelWrite => ({
  path, expected_version: expected, labels: { tags: [], notes: '', star }, updated_at: AT, updated_by: 'f',
});

async function rejection(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => new Error('resolved, but the database was away'),
    (error: unknown) => error,
  );
}

describe('PostgresLabelStore when the database goes away', () => {
  it('[LP4] commit, get and changesSince reject with store_unavailable (never a false success), and work again once it is back', async () => {
    const connection = await PgConnection.open({ url: proxy.rewrite(db.url), datasetId: 'faults', max: 3, connectionTimeoutMillis: 1000 });
    const store = await PostgresLabelStore.open(connection);
    try {
      const [ok] = await store.commit([{ writes: [write('/a.jpg', 1, 1)] }], Date.now());
      expect(ok?.kind === 'committed' && ok.results[0]!.status).toBe('applied');
      expect(store.connectionState()).toBe('connected');

      await proxy.down();
      const errors = await Promise.all([
        rejection(store.commit([{ writes: [write('/a.jpg', 2, 5)] }], Date.now())),
        rejection(store.get('/a.jpg')),
        rejection(store.changesSince(0, 10)),
        rejection(store.move([{ from: '/a.jpg', to: '/b.jpg' }], { updated_at: AT, updated_by: 'w' })),
      ]);
      for (const error of errors) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('store_unavailable');
      }
      expect(store.connectionState()).toBe('unavailable');

      await proxy.up();
      // The pool drops the dead connections; calls recover without reopening anything.
      const deadline = Date.now() + 10_000;
      let back: Awaited<ReturnType<typeof store.get>> | undefined;
      while (!back) {
        back = await store.get('/a.jpg').catch(() => undefined);
        if (!back && Date.now() > deadline) throw new Error('the store did not recover');
      }
      // The write that was refused is not there; the next one applies on top of the first.
      expect(back).toMatchObject({ star: 1, version: 2 });
      const [again] = await store.commit([{ writes: [write('/a.jpg', 2, 5)] }], Date.now());
      expect(again?.kind === 'committed' && again.results[0]).toMatchObject({ status: 'applied', event: { id: 2 } });
      expect(store.connectionState()).toBe('connected');
    } finally {
      await store.close();
      await connection.close();
    }
  });

  it('[LP5] watchExternal calls back after the LISTEN connection comes back, and for commits made meanwhile', async () => {
    const watched = await PgConnection.open({ url: proxy.rewrite(db.url), datasetId: 'watch', max: 2, connectionTimeoutMillis: 1000 });
    const direct = await PgConnection.open({ url: db.url, datasetId: 'watch', max: 2 });
    const store = await PostgresLabelStore.open(watched, { externalPollMs: 60_000 });
    const writer = await PostgresLabelStore.open(direct);
    let calls = 0;
    const stop = store.watchExternal(() => calls++);
    try {
      const waitCalls = async (atLeast: number) => {
        const deadline = Date.now() + 10_000;
        while (calls < atLeast) {
          if (Date.now() > deadline) throw new Error(`watchExternal called ${calls} times, expected ${atLeast}`);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      // Listening is set up in the background: commit until a NOTIFY is heard.
      for (let i = 0; calls === 0; i++) {
        await writer.commit([{ writes: [write(`/w${i}.jpg`, null, 1)] }], Date.now());
        await new Promise((r) => setTimeout(r, 20));
        if (i > 200) throw new Error('no NOTIFY heard');
      }
      const before = calls;
      await proxy.down();
      // A commit while the watcher is cut off: only the reconnect can tell it.
      await writer.commit([{ writes: [write('/meanwhile.jpg', null, 1)] }], Date.now());
      await proxy.up();
      await waitCalls(before + 1);
    } finally {
      stop();
      await store.close();
      await writer.close();
      await watched.close();
      await direct.close();
    }
  });
});
