import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountStore, NewUser, TokenRecord } from './account-store.js';

/** The rules of SPEC.md (AC…) every AccountStore must keep. */
export function runAccountStoreContract(name: string, makeStore: () => Promise<AccountStore> | AccountStore): void {
  describe(`AccountStore contract: ${name}`, () => {
    let store: AccountStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    const user = (name: string, role: NewUser['role'] = 'labeler'): NewUser => ({ name, role, passwordHash: `hash-of-${name}`, createdAt: '2026-12-01T00:00:00.000Z' });
    const added = async (input: NewUser) => {
      const outcome = await store.addUser(input);
      if (outcome.kind !== 'added') throw new Error(`expected added, got ${outcome.kind}`);
      return outcome.user;
    };
    const token = (id: string, name: string): TokenRecord => ({
      id,
      name,
      role: 'worker',
      secretHash: `secret-${id}`,
      createdAt: '2026-12-01T00:00:00.000Z',
      createdBy: 'ana',
      lastUsedAt: null,
    });

    it('AC1: a user added is found by id and name, counted and listed with every field', async () => {
      const ana = await added(user('ana', 'admin'));
      const bo = await added({ ...user('Bo Li'), passwordHash: null });
      expect(ana).toEqual({ id: ana.id, name: 'ana', role: 'admin', passwordHash: 'hash-of-ana', createdAt: '2026-12-01T00:00:00.000Z', lastSeenAt: null });
      expect(await store.getUser(bo.id)).toEqual(bo);
      expect(await store.findUser('Bo Li')).toEqual(bo);
      expect(await store.countUsers()).toBe(2);
      expect((await store.listUsers()).map((u) => u.name)).toEqual(['ana', 'Bo Li']);
      await store.touchUser(ana.id, '2026-12-02T00:00:00.000Z');
      expect((await store.getUser(ana.id))?.lastSeenAt).toBe('2026-12-02T00:00:00.000Z');
      expect(await store.getUser(999)).toBeNull();
    });

    it('AC2: names are unique case-insensitively', async () => {
      await added(user('ana'));
      expect(await store.addUser(user('ANA'))).toEqual({ kind: 'exists' });
      expect((await store.findUser('Ana'))?.name).toBe('ana');
      expect(await store.findUser('nobody')).toBeNull();
    });

    it('AC3: onlyIfNone refuses once any user exists', async () => {
      expect((await store.addUser(user('first', 'admin'), { onlyIfNone: true })).kind).toBe('added');
      expect(await store.addUser(user('second', 'admin'), { onlyIfNone: true })).toEqual({ kind: 'not_first' });
      expect(await store.countUsers()).toBe(1);
    });

    it('AC4: the last admin can be neither demoted nor removed', async () => {
      const ana = await added(user('ana', 'admin'));
      expect(await store.updateUser(ana.id, { role: 'viewer' })).toEqual({ kind: 'last_admin' });
      expect(await store.removeUser(ana.id)).toEqual({ kind: 'last_admin' });
      const bo = await added(user('bo', 'admin'));
      const demoted = await store.updateUser(ana.id, { role: 'viewer' });
      expect(demoted.kind === 'done' && demoted.user.role).toBe('viewer');
      expect(await store.removeUser(bo.id)).toEqual({ kind: 'last_admin' });
      expect((await store.updateUser(ana.id, { passwordHash: 'new' })).kind).toBe('done');
      expect((await store.getUser(ana.id))?.passwordHash).toBe('new');
      expect(await store.updateUser(999, { role: 'admin' })).toEqual({ kind: 'missing' });
      expect(await store.removeUser(999)).toEqual({ kind: 'missing' });
    });

    it('AC5: removing a user removes their sessions and invite links', async () => {
      await added(user('admin', 'admin'));
      const bo = await added(user('bo'));
      await store.addSession({ idHash: 's1', userId: bo.id, createdAt: 'now', expiresAtMs: 10_000 });
      await store.addLink({ hash: 'l1', kind: 'invite', userId: bo.id, expiresAtMs: 10_000 });
      expect((await store.removeUser(bo.id)).kind).toBe('done');
      expect(await store.getSession('s1')).toBeNull();
      expect(await store.getLink('l1', 0)).toBeNull();
      await store.addSession({ idHash: 's2', userId: bo.id, createdAt: 'now', expiresAtMs: 10_000 });
      expect(await store.getSession('s2')).toBeNull();
    });

    it('AC6: tokens are found by secret hash and id, unique by name, touched and removed', async () => {
      expect(await store.addToken(token('t1', 'worker-a'))).toBe('added');
      expect(await store.addToken(token('t2', 'Worker-A'))).toBe('exists');
      expect((await store.findTokenBySecret('secret-t1'))?.id).toBe('t1');
      expect(await store.findTokenBySecret('secret-t2')).toBeNull();
      await store.touchToken('t1', '2026-12-03T00:00:00.000Z');
      expect(await store.getToken('t1')).toEqual({ ...token('t1', 'worker-a'), lastUsedAt: '2026-12-03T00:00:00.000Z' });
      expect((await store.listTokens()).map((t) => t.id)).toEqual(['t1']);
      expect(await store.removeToken('t1')).toBe(true);
      expect(await store.removeToken('t1')).toBe(false);
      expect(await store.findTokenBySecret('secret-t1')).toBeNull();
    });

    it('AC7: a link is taken once, never after expiry; getLink does not use it up', async () => {
      const bo = await added(user('bo'));
      await store.addLink({ hash: 'setup', kind: 'setup', userId: null, expiresAtMs: 1000 });
      await store.addLink({ hash: 'inv', kind: 'invite', userId: bo.id, expiresAtMs: 1000 });
      await store.addLink({ hash: 'old', kind: 'invite', userId: bo.id, expiresAtMs: 10 });
      expect((await store.getLink('setup', 500))?.kind).toBe('setup');
      expect(await store.takeLink('setup', 500)).toEqual({ hash: 'setup', kind: 'setup', userId: null, expiresAtMs: 1000 });
      expect(await store.takeLink('setup', 500)).toBeNull();
      expect(await store.takeLink('old', 500)).toBeNull();
      expect(await store.getLink('inv', 1000)).toBeNull();
      await store.removeLinks('invite', bo.id);
      expect(await store.getLink('inv', 0)).toBeNull();
    });

    it('AC8: audit entries get increasing ids, newest first, paged with before', async () => {
      for (const kind of ['sign_in', 'sign_out', 'user_added'] as const) {
        await store.appendAudit({ at: '2026-12-01T00:00:00.000Z', kind, actor: 'ana', subject: null, address: '127.0.0.1', detail: null });
      }
      const all = await store.listAudit(10, null);
      expect(all.map((e) => e.kind)).toEqual(['user_added', 'sign_out', 'sign_in']);
      expect(all[0]!.id).toBeGreaterThan(all[1]!.id);
      expect(all[2]).toEqual({ id: all[2]!.id, at: '2026-12-01T00:00:00.000Z', kind: 'sign_in', actor: 'ana', subject: null, address: '127.0.0.1', detail: null });
      expect((await store.listAudit(1, all[0]!.id)).map((e) => e.kind)).toEqual(['sign_out']);
    });

    it('AC10: sessions are found, extended, removed once, and expired ones pruned', async () => {
      const bo = await added(user('bo'));
      await store.addSession({ idHash: 'a', userId: bo.id, createdAt: 'c', expiresAtMs: 100 });
      await store.addSession({ idHash: 'b', userId: bo.id, createdAt: 'c', expiresAtMs: 100 });
      await store.extendSession('a', 500);
      expect(await store.getSession('a')).toEqual({ idHash: 'a', userId: bo.id, createdAt: 'c', expiresAtMs: 500 });
      expect(await store.removeExpiredSessions(200)).toBe(1);
      expect(await store.getSession('b')).toBeNull();
      expect(await store.removeSession('a')).toBe(true);
      expect(await store.removeSession('a')).toBe(false);
    });

    it('AC11: settings round-trip', async () => {
      expect(await store.getSetting('url')).toBeNull();
      await store.setSetting('url', 'http://a');
      await store.setSetting('url', 'http://b');
      expect(await store.getSetting('url')).toBe('http://b');
    });
  });
}
