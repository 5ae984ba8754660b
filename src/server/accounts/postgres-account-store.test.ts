import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/pg.js';
import { PgConnection } from '../postgres/pg-connection.js';
import { runAccountStoreContract } from './account-store.contract.js';
import type { NewUser } from './account-store.js';
import { PostgresAccountStore } from './postgres-account-store.js';

let db: TestDatabase;
const connections: PgConnection[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
// The store leaves the shared connection open (it belongs to the server): the test closes it.
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await db?.drop();
});

let n = 0;
/** A server on `datasetId`: its own connection pool, as a second process would have. */
async function server(datasetId: string): Promise<PostgresAccountStore> {
  const connection = await PgConnection.open({ url: db.url, datasetId, max: 4 });
  connections.push(connection);
  return PostgresAccountStore.open(connection);
}

runAccountStoreContract('postgres', () => server(`contract-${n++}`));

const user = (name: string, role: NewUser['role'] = 'labeler'): NewUser => ({ name, role, passwordHash: `hash-of-${name}`, createdAt: '2026-12-01T00:00:00.000Z' });

async function until(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The dataset's stamp as committed, past any store's cached read. */
async function storedStamp(connection: PgConnection): Promise<number> {
  const result = await connection.query<{ stamp: string }>('SELECT stamp FROM lenslet_account_state WHERE dataset = $1', [connection.dataset]);
  return Number(result.rows[0]!.stamp);
}

describe('PostgresAccountStore', () => {
  it('AC9: changeStamp moves within a second after another server removes a user, not after a change in another dataset', async () => {
    const a = await server('stamp');
    const b = await server('stamp');
    const elsewhere = await server('stamp-other');
    await a.addUser(user('admin', 'admin'));
    const added = await a.addUser(user('bo'));
    if (added.kind !== 'added') throw new Error(added.kind);
    const before = await b.changeStamp();
    const stored = await storedStamp(connections[0]!);
    await elsewhere.addUser(user('zed', 'admin'));
    expect(await storedStamp(connections[0]!)).toBe(stored);
    const removedAt = Date.now();
    expect((await a.removeUser(added.user.id)).kind).toBe('done');
    await until(async () => (await b.changeStamp()) !== before, 1000);
    expect(Date.now() - removedAt).toBeLessThan(1000);
    expect(await b.getUser(added.user.id)).toBeNull();
  });

  it('AC9: a logout or a revoked token on one server moves the stamp; logging out twice does not', async () => {
    const a = await server('stamp-sessions');
    const admin = await a.addUser(user('admin', 'admin'));
    if (admin.kind !== 'added') throw new Error(admin.kind);
    await a.addSession({ idHash: 's', userId: admin.user.id, createdAt: 'c', expiresAtMs: 10_000 });
    await a.addToken({ id: 't', name: 'w', role: 'worker', secretHash: 'h', createdAt: 'c', createdBy: null, lastUsedAt: null });
    const stampNow = () => storedStamp(connections[0]!);
    const s0 = await stampNow();
    expect(await a.removeSession('s')).toBe(true);
    const s1 = await stampNow();
    expect(s1).toBeGreaterThan(s0);
    expect(await a.removeSession('s')).toBe(false);
    expect(await stampNow()).toBe(s1);
    expect(await a.removeToken('t')).toBe(true);
    expect(await stampNow()).toBeGreaterThan(s1);
  });

  it('AC12: a dataset never sees another dataset’s users, sessions, tokens, links, audit or settings', async () => {
    const a = await server('iso-a');
    const b = await server('iso-b');
    const ana = await a.addUser(user('ana', 'admin'));
    if (ana.kind !== 'added') throw new Error(ana.kind);
    await a.addSession({ idHash: 'sess', userId: ana.user.id, createdAt: 'c', expiresAtMs: 10_000 });
    await a.addToken({ id: 'tok', name: 'worker', role: 'worker', secretHash: 'secret', createdAt: 'c', createdBy: null, lastUsedAt: null });
    await a.addLink({ hash: 'link', kind: 'setup', userId: null, expiresAtMs: 10_000 });
    await a.appendAudit({ at: 'now', kind: 'sign_in', actor: 'ana', subject: null, address: null, detail: null });
    await a.setSetting('server_url', 'http://a');

    expect(await b.countUsers()).toBe(0);
    expect(await b.findUser('ana')).toBeNull();
    expect(await b.getUser(ana.user.id)).toBeNull();
    expect(await b.getSession('sess')).toBeNull();
    expect(await b.findTokenBySecret('secret')).toBeNull();
    expect(await b.listTokens()).toEqual([]);
    expect(await b.takeLink('link', 0)).toBeNull();
    expect(await b.listAudit(10, null)).toEqual([]);
    expect(await b.getSetting('server_url')).toBeNull();
    // The same names and ids live side by side, and B's removals leave A's rows alone.
    const bAna = await b.addUser(user('ana', 'admin'), { onlyIfNone: true });
    expect(bAna.kind === 'added' && bAna.user.id).toBe(ana.user.id);
    expect(await b.addToken({ id: 'tok', name: 'worker', role: 'viewer', secretHash: 'secret', createdAt: 'c', createdBy: null, lastUsedAt: null })).toBe('added');
    expect(await b.removeToken('tok')).toBe(true);
    expect((await a.getToken('tok'))?.role).toBe('worker');
    expect(await b.removeExpiredSessions(Number.MAX_SAFE_INTEGER)).toBe(0);
    expect(await a.getSession('sess')).not.toBeNull();
    expect((await a.takeLink('link', 0))?.kind).toBe('setup');
  });

  it('AC13: servers racing: one first admin, one taker per link, never zero admins, one user per name', async () => {
    const stores = await Promise.all([server('race'), server('race')]);
    const firsts = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2]!.addUser(user(`first-${i}`, 'admin'), { onlyIfNone: true })));
    expect(firsts.filter((o) => o.kind === 'added')).toHaveLength(1);
    expect(firsts.filter((o) => o.kind === 'not_first')).toHaveLength(9);
    expect(await stores[1]!.countUsers()).toBe(1);

    const sameName = await Promise.all(Array.from({ length: 6 }, (_, i) => stores[i % 2]!.addUser(user(i % 2 ? 'Bo' : 'bo'))));
    expect(sameName.filter((o) => o.kind === 'added')).toHaveLength(1);

    await stores[0]!.addLink({ hash: 'once', kind: 'setup', userId: null, expiresAtMs: Number.MAX_SAFE_INTEGER });
    const taken = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2]!.takeLink('once', 0)));
    expect(taken.filter((link) => link !== null)).toHaveLength(1);

    // Two admins each demoted by a different server at once: exactly one demotion is refused.
    const second = await stores[0]!.addUser(user('second', 'admin'));
    if (second.kind !== 'added') throw new Error(second.kind);
    const admins = (await stores[0]!.listUsers()).filter((u) => u.role === 'admin');
    expect(admins).toHaveLength(2);
    const demotions = await Promise.all([stores[0]!.updateUser(admins[0]!.id, { role: 'viewer' }), stores[1]!.removeUser(admins[1]!.id)]);
    expect(demotions.map((o) => o.kind).sort()).toEqual(['done', 'last_admin']);
    expect((await stores[1]!.listUsers()).filter((u) => u.role === 'admin')).toHaveLength(1);
  });

  it('AC8: audit ids appended by two servers at once are distinct, and newest first is commit order', async () => {
    const stores = await Promise.all([server('audit'), server('audit')]);
    const entries = await Promise.all(
      Array.from({ length: 40 }, (_, i) => stores[i % 2]!.appendAudit({ at: 'now', kind: 'sign_in', actor: `u${i}`, subject: null, address: null, detail: null })),
    );
    expect(new Set(entries.map((e) => e.id)).size).toBe(40);
    const listed = await stores[1]!.listAudit(100, null);
    expect(listed.map((e) => e.id)).toEqual(entries.map((e) => e.id).sort((x, y) => y - x));
    expect(listed.at(-1)!.id).toBe(1);
  });

  it('reopens a dataset without migrating again and keeps its users', async () => {
    const first = await server('reopen');
    await first.addUser(user('ana', 'admin'));
    const again = await server('reopen');
    expect(await again.countUsers()).toBe(1);
    const versions = await connections[0]!.query<{ version: number }>("SELECT version FROM lenslet_migrations WHERE component = 'accounts'");
    expect(versions.rows[0]!.version).toBe(1);
    expect(again.kind).toBe('postgres');
    expect(again.location).toMatch(/^postgres:\/\//);
  });
});
