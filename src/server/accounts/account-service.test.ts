import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../app-error.js';
import { AccountAdmin } from './account-admin.js';
import { AccountService } from './account-service.js';
import { MemoryAccountStore } from './memory-account-store.js';
import { SqliteAccountStore } from './sqlite-account-store.js';

const ADMIN = { name: 'cli', address: null };
const dir = mkdtempSync(join(tmpdir(), 'lenslet-account-service-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function setup(now = () => Date.now()) {
  const store = new MemoryAccountStore();
  const service = new AccountService({ store, now });
  return { store, service, admin: new AccountAdmin(service) };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'resolved';
}

describe('AccountService', () => {
  it('AS1: passwords are stored as scrypt hashes; wrong password, unknown user and no password all fail alike', async () => {
    const { store, service, admin } = setup();
    await admin.addUser({ name: 'ana', role: 'admin', password: 'correct horse' }, ADMIN);
    await admin.addUser({ name: 'bo', role: 'viewer' }, ADMIN);
    expect((await store.findUser('ana'))?.passwordHash).toMatch(/^scrypt\$15\$8\$1\$/);
    expect((await service.login('ANA', 'correct horse', '10.0.0.1')).principal).toMatchObject({ kind: 'user', name: 'ana', role: 'admin' });
    expect(await codeOf(service.login('ana', 'wrong horse', '10.0.0.2'))).toBe('invalid_credentials');
    expect(await codeOf(service.login('nobody', 'correct horse', '10.0.0.3'))).toBe('invalid_credentials');
    expect(await codeOf(service.login('bo', 'anything', '10.0.0.4'))).toBe('invalid_credentials');
  });

  it('AS2: five failures within a minute throttle the user and the address, audited once', async () => {
    let t = 1_000_000;
    const { service, admin, store } = setup(() => t);
    await admin.addUser({ name: 'ana', role: 'admin', password: 'correct horse' }, ADMIN);
    for (let i = 0; i < 5; i++) expect(await codeOf(service.login('ana', `wrong ${i}`, `10.0.0.${i}`))).toBe('invalid_credentials');
    const refused = await service.login('ana', 'correct horse', '10.0.1.1').catch((e: AppError) => e);
    expect(refused).toMatchObject({ code: 'rate_limited', details: { retry_after_s: 60 } });
    // The address is throttled for other names too.
    for (let i = 0; i < 5; i++) await codeOf(service.login(`user${i}`, 'x', '10.9.9.9'));
    expect(await codeOf(service.login('someone', 'x', '10.9.9.9'))).toBe('rate_limited');
    t += 61_000;
    expect((await service.login('ana', 'correct horse', '10.0.1.1')).principal.name).toBe('ana');
    const kinds = (await store.listAudit(100, null)).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'sign_in_throttled')).toHaveLength(2);
  });

  it('AS3: sessions by secret only, sliding, ended by logout and removal; role changes show at once', async () => {
    let t = 1_000_000;
    const { store, service, admin } = setup(() => t);
    await admin.addUser({ name: 'root', role: 'admin', password: 'password1' }, ADMIN);
    await admin.addUser({ name: 'bo', role: 'labeler', password: 'password2' }, ADMIN);
    const { secret } = await service.login('bo', 'password2', null);
    expect(await store.getSession(secret)).toBeNull();
    expect((await service.sessionPrincipal(secret))?.role).toBe('labeler');
    expect(await service.sessionPrincipal(`${secret}x`)).toBeNull();
    t += 29 * 24 * 3600_000;
    expect(await service.sessionPrincipal(secret)).not.toBeNull();
    t += 29 * 24 * 3600_000; // 58 days after sign-in, 29 after its last use
    expect(await service.sessionPrincipal(secret)).not.toBeNull();
    await admin.updateUser('bo', { role: 'viewer' }, ADMIN);
    expect((await service.sessionPrincipal(secret))?.role).toBe('viewer');
    await service.logout(secret, null);
    expect(await service.sessionPrincipal(secret)).toBeNull();
    const again = await service.login('bo', 'password2', null);
    await admin.removeUser('bo', ADMIN);
    expect(await service.sessionPrincipal(again.secret)).toBeNull();
    t += 31 * 24 * 3600_000;
    const root = await service.login('root', 'password1', null);
    t += 31 * 24 * 3600_000;
    expect(await service.sessionPrincipal(root.secret)).toBeNull();
  });

  it('AS4: tokens by secret only, gone once revoked, use audited at most once an hour', async () => {
    let t = 1_000_000;
    const { store, service, admin } = setup(() => t);
    const { token, secret } = await admin.createToken('gpu-worker', 'worker', ADMIN);
    expect(secret).toMatch(/^lsl_/);
    expect(await codeOf(admin.createToken('GPU-worker', 'viewer', ADMIN))).toBe('already_exists');
    for (let i = 0; i < 3; i++) expect((await service.tokenPrincipal(secret, '10.0.0.1'))?.name).toBe('gpu-worker');
    t += 3600_000;
    await service.tokenPrincipal(secret, '10.0.0.1');
    expect((await store.listAudit(100, null)).filter((e) => e.kind === 'token_used')).toHaveLength(2);
    expect((await store.getToken(token.id))?.lastUsedAt).not.toBeNull();
    await admin.revokeToken(token.id, ADMIN);
    expect(await service.tokenPrincipal(secret, null)).toBeNull();
  });

  it('AS5: the setup link exists only without users, works once and makes an admin', async () => {
    const { service, admin } = setup();
    const first = await service.issueSetupLink();
    const link = await service.issueSetupLink();
    expect(await codeOf(service.completeSetup(first!, 'ana', 'password1', null))).toBe('invalid_link');
    const done = await service.completeSetup(link!, 'ana', 'password1', null);
    expect(done.principal).toMatchObject({ name: 'ana', role: 'admin' });
    expect(await codeOf(service.completeSetup(link!, 'eve', 'password1', null))).toBe('invalid_link');
    expect(await service.issueSetupLink()).toBeNull();
    expect(await admin.listUsers()).toHaveLength(1);
    // The last admin stays.
    expect(await codeOf(admin.updateUser('ana', { role: 'viewer' }, ADMIN))).toBe('last_admin');
    expect(await codeOf(admin.removeUser('ana', ADMIN))).toBe('last_admin');
  });

  it('AS5: an invite sets the password once and signs the user in', async () => {
    const { service, admin } = setup();
    const { invite } = await admin.addUser({ name: 'cy', role: 'viewer' }, ADMIN);
    expect(await service.inviteInfo(invite!)).toEqual({ name: 'cy', role: 'viewer' });
    expect((await service.acceptInvite(invite!, 'password3', null)).principal.name).toBe('cy');
    expect(await codeOf(service.acceptInvite(invite!, 'password4', null))).toBe('invalid_link');
    expect((await service.login('cy', 'password3', null)).principal.role).toBe('viewer');
  });

  it('AS6: a change by another process is seen at the next lookup, and announced', async () => {
    const file = join(dir, 'accounts.sqlite');
    const server = new AccountService({ store: new SqliteAccountStore(file) });
    const cli = new AccountAdmin(new AccountService({ store: new SqliteAccountStore(file) }));
    await cli.addUser({ name: 'root', role: 'admin', password: 'password1' }, ADMIN);
    const { secret } = await cli.createToken('w', 'labeler', ADMIN);
    expect((await server.tokenPrincipal(secret, null))?.role).toBe('labeler');
    let changes = 0;
    server.onChange(() => changes++);
    await cli.revokeToken('w', ADMIN);
    expect(await server.tokenPrincipal(secret, null)).toBeNull();
    expect(changes).toBe(1);
    await server.close();
  });
});
