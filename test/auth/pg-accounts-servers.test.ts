import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AccountAdmin } from '../../src/server/accounts/account-admin.js';
import { AccountService } from '../../src/server/accounts/account-service.js';
import { PostgresAccountStore } from '../../src/server/accounts/postgres-account-store.js';
import { AppError } from '../../src/server/app-error.js';
import { PgConnection } from '../../src/server/postgres/pg-connection.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

/**
 * Two servers' account services on one dataset, each with its own pool, as two processes behind a
 * load balancer would be: what one does, the other honours (SPEC AC9, AC13).
 */
const ACTOR = { name: 'admin', address: null };
let db: TestDatabase;
const opened: { connection: PgConnection; service: AccountService }[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  for (const { connection, service } of opened.splice(0)) {
    await service.close();
    await connection.close();
  }
});
afterAll(async () => {
  await db?.drop();
});

async function server(datasetId: string): Promise<{ service: AccountService; admin: AccountAdmin }> {
  const connection = await PgConnection.open({ url: db.url, datasetId, max: 4 });
  const service = new AccountService({ store: await PostgresAccountStore.open(connection) });
  opened.push({ connection, service });
  return { service, admin: new AccountAdmin(service) };
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe('accounts on PostgreSQL across servers', () => {
  it('AC9: a user added on one server signs in on the other; removed there, they are refused within a second and its stream guard hears of it', async () => {
    const a = await server('two');
    const b = await server('two');
    await a.admin.addUser({ name: 'admin', role: 'admin', password: 'admin password' }, ACTOR);
    await a.admin.addUser({ name: 'bo', role: 'labeler', password: 'bo password' }, ACTOR);

    const signedIn = await b.service.login('Bo', 'bo password', '10.0.0.2');
    expect(await a.service.sessionPrincipal(signedIn.secret)).toMatchObject({ name: 'bo', role: 'labeler' });
    expect(await b.service.sessionPrincipal(signedIn.secret)).toMatchObject({ name: 'bo', role: 'labeler' });

    // B's stream guard hears of the change through its watcher (installAccess: watch(1000)).
    let bHeard = false;
    b.service.onChange(() => {
      bHeard = true;
    });
    b.service.watch(1000);
    await a.admin.removeUser('bo', ACTOR);
    expect(await until(async () => (await b.service.sessionPrincipal(signedIn.secret)) === null, 1000)).toBeLessThan(1000);
    // The watcher ticks once a second: a tick plus one stamp read.
    await until(() => bHeard, 2000);
    expect(await codeOf(b.service.login('bo', 'bo password', '10.0.0.2'))).toBe('invalid_credentials');
  });

  it('AC9: a role changed on one server shows on the other', async () => {
    const a = await server('roles');
    const b = await server('roles');
    await a.admin.addUser({ name: 'admin', role: 'admin', password: 'admin password' }, ACTOR);
    await a.admin.addUser({ name: 'cy', role: 'labeler', password: 'cy password' }, ACTOR);
    const { secret } = await a.service.login('cy', 'cy password', null);
    expect((await b.service.sessionPrincipal(secret))?.role).toBe('labeler');
    await a.admin.updateUser('cy', { role: 'viewer' }, ACTOR);
    await until(async () => (await b.service.sessionPrincipal(secret))?.role === 'viewer', 1000);
  });

  it('AC13: one setup link completed on two servers at once creates exactly one admin', async () => {
    const a = await server('setup');
    const b = await server('setup');
    const link = await a.service.issueSetupLink();
    if (!link) throw new Error('setup link expected');
    const outcomes = await Promise.all([
      codeOf(a.service.completeSetup(link, 'ana', 'ana password', null)),
      codeOf(b.service.completeSetup(link, 'bob', 'bob password', null)),
    ]);
    expect(outcomes.sort()).toEqual(['invalid_link', 'resolved']);
    expect(await b.service.store.countUsers()).toBe(1);
    expect(await b.service.issueSetupLink()).toBeNull();
  });

  it('AC12: a server on another dataset of the same database knows none of these users', async () => {
    const a = await server('ds-a');
    const other = await server('ds-b');
    await a.admin.addUser({ name: 'dee', role: 'admin', password: 'dee password' }, ACTOR);
    const { secret } = await a.service.login('dee', 'dee password', null);
    expect(await codeOf(other.service.login('dee', 'dee password', null))).toBe('invalid_credentials');
    expect(await other.service.sessionPrincipal(secret)).toBeNull();
    expect(await other.service.setupRequired()).toBe(true);
  });
});
