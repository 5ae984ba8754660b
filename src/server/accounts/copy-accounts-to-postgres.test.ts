import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/pg.js';
import { PgConnection } from '../postgres/pg-connection.js';
import { AccountService } from './account-service.js';
import { copyAccountsToPostgres } from './copy-accounts-to-postgres.js';
import { PostgresAccountStore } from './postgres-account-store.js';
import { hashPassword } from './secrets.js';
import { SqliteAccountStore } from './sqlite-account-store.js';

const NOW = 1_000_000;
const dir = mkdtempSync(join(tmpdir(), 'lenslet-copy-accounts-'));
let db: TestDatabase;
const connections: PgConnection[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

async function connect(datasetId: string): Promise<PgConnection> {
  const connection = await PgConnection.open({ url: db.url, datasetId, max: 4 });
  connections.push(connection);
  return connection;
}

/** A workspace's accounts as a SQLite server leaves them: a removed user, expired and live sessions and links. */
async function workspaceAccounts(name: string): Promise<{ file: string; sqlite: SqliteAccountStore }> {
  const file = join(dir, name, 'accounts.sqlite');
  const sqlite = new SqliteAccountStore(file);
  const add = async (userName: string, role: 'admin' | 'labeler' | 'viewer', password: string | null) => {
    const outcome = await sqlite.addUser({ name: userName, role, passwordHash: password && (await hashPassword(password)), createdAt: '2026-12-01T00:00:00.000Z' });
    if (outcome.kind !== 'added') throw new Error(outcome.kind);
    return outcome.user;
  };
  const ana = await add('Ana', 'admin', 'correct horse');
  const gone = await add('gone', 'viewer', null);
  const bo = await add('bo', 'labeler', null);
  await sqlite.removeUser(gone.id);
  await sqlite.touchUser(ana.id, '2026-12-02T00:00:00.000Z');
  await sqlite.addSession({ idHash: 'live', userId: ana.id, createdAt: 'c', expiresAtMs: NOW + 1000 });
  await sqlite.addSession({ idHash: 'expired', userId: ana.id, createdAt: 'c', expiresAtMs: NOW - 1 });
  await sqlite.addLink({ hash: 'invite-bo', kind: 'invite', userId: bo.id, expiresAtMs: NOW + 1000 });
  await sqlite.addLink({ hash: 'old-invite', kind: 'invite', userId: bo.id, expiresAtMs: NOW - 1 });
  await sqlite.addToken({ id: 'tok', name: 'worker', role: 'worker', secretHash: 'secret', createdAt: 'c', createdBy: 'Ana', lastUsedAt: null });
  for (const kind of ['setup', 'user_added', 'sign_in'] as const) {
    await sqlite.appendAudit({ at: '2026-12-01T00:00:00.000Z', kind, actor: 'Ana', subject: 'bo', address: '10.0.0.1', detail: null });
  }
  await sqlite.setSetting('server_url', 'http://old:7070');
  return { file, sqlite };
}

describe('copyAccountsToPostgres', () => {
  it('AC14: copies users with ids, hashes and roles, tokens, live sessions, pending links, audit and settings; people stay signed in', async () => {
    const { file, sqlite } = await workspaceAccounts('full');
    const pgdb = await connect('copy-full');
    expect(await copyAccountsToPostgres(file, pgdb, NOW)).toEqual({ users: 2, tokens: 1, sessions: 1, copied: true });

    const store = await PostgresAccountStore.open(pgdb);
    expect(await store.listUsers()).toEqual(await sqlite.listUsers());
    expect(await store.listTokens()).toEqual(await sqlite.listTokens());
    expect(await store.getSession('live')).toEqual(await sqlite.getSession('live'));
    expect(await store.getSession('expired')).toBeNull();
    expect(await store.getLink('invite-bo', NOW)).toEqual(await sqlite.getLink('invite-bo', NOW));
    expect(await store.getLink('old-invite', 0)).toBeNull();
    expect(await store.listAudit(10, null)).toEqual(await sqlite.listAudit(10, null));
    expect(await store.getSetting('server_url')).toBe('http://old:7070');
    // The removed user's id is not handed out again; the audit log goes on after the copied entries.
    const next = await store.addUser({ name: 'cy', role: 'viewer', passwordHash: null, createdAt: 'now' });
    expect(next.kind === 'added' && next.user.id).toBe(4);
    expect((await store.appendAudit({ at: 'now', kind: 'sign_out', actor: null, subject: null, address: null, detail: null })).id).toBe(4);

    const service = new AccountService({ store });
    expect((await service.login('ana', 'correct horse', null)).principal).toMatchObject({ name: 'Ana', role: 'admin' });
    await sqlite.close();
  });

  it('AC14: a second run does nothing; a dataset holding other users is refused and left as it was', async () => {
    const { file, sqlite } = await workspaceAccounts('twice');
    const pgdb = await connect('copy-twice');
    expect((await copyAccountsToPostgres(file, pgdb, NOW)).copied).toBe(true);
    const store = await PostgresAccountStore.open(pgdb);
    const audit = await store.listAudit(100, null);
    expect(await copyAccountsToPostgres(file, pgdb, NOW)).toEqual({ users: 2, tokens: 1, sessions: 1, copied: false });
    expect(await store.listAudit(100, null)).toEqual(audit);

    const other = await connect('copy-other');
    const otherStore = await PostgresAccountStore.open(other);
    await otherStore.addUser({ name: 'zed', role: 'admin', passwordHash: null, createdAt: 'now' });
    await expect(copyAccountsToPostgres(file, other, NOW)).rejects.toThrow(/already has other users/);
    expect((await otherStore.listUsers()).map((u) => u.name)).toEqual(['zed']);
    expect(await otherStore.listTokens()).toEqual([]);
    expect(await otherStore.listAudit(10, null)).toEqual([]);
    await sqlite.close();
  });

  it('AC14: audit a PostgreSQL server logged before the copy is kept, the copied entries follow it', async () => {
    const { file, sqlite } = await workspaceAccounts('early-audit');
    const pgdb = await connect('copy-early-audit');
    const store = await PostgresAccountStore.open(pgdb);
    await store.appendAudit({ at: 'early', kind: 'sign_in_failed', actor: null, subject: 'x', address: null, detail: null });
    expect((await copyAccountsToPostgres(file, pgdb, NOW)).copied).toBe(true);
    const listed = await store.listAudit(10, null);
    expect(listed.map((e) => e.id)).toEqual([4, 3, 2, 1]);
    expect(listed.at(-1)!.at).toBe('early');
    await sqlite.close();
  });

  it('AC14: a workspace without users copies nothing', async () => {
    const file = join(dir, 'empty', 'accounts.sqlite');
    const sqlite = new SqliteAccountStore(file);
    await sqlite.appendAudit({ at: 'x', kind: 'sign_in_failed', actor: null, subject: 'x', address: null, detail: null });
    await sqlite.close();
    const pgdb = await connect('copy-empty');
    expect(await copyAccountsToPostgres(file, pgdb, NOW)).toEqual({ users: 0, tokens: 0, sessions: 0, copied: false });
    expect(await (await PostgresAccountStore.open(pgdb)).listAudit(10, null)).toEqual([]);
  });
});
