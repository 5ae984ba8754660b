import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAccountStoreContract } from './account-store.contract.js';
import { SqliteAccountStore } from './sqlite-account-store.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-accounts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runAccountStoreContract('sqlite', () => new SqliteAccountStore(join(dir, `a${n++}`, 'accounts.sqlite')));

describe('SqliteAccountStore', () => {
  it('AC9: changeStamp changes after another connection commits, not after its own writes', async () => {
    const file = join(dir, 'shared.sqlite');
    const server = new SqliteAccountStore(file);
    const cli = new SqliteAccountStore(file);
    const before = await server.changeStamp();
    await server.setSetting('k', 'own write');
    expect(await server.changeStamp()).toBe(before);
    await cli.addUser({ name: 'ana', role: 'admin', passwordHash: null, createdAt: 'now' });
    expect(await server.changeStamp()).not.toBe(before);
    expect((await server.findUser('ana'))?.role).toBe('admin');
    await cli.close();
    await server.close();
  });

  it('reopens a file without migrating it again', async () => {
    const file = join(dir, 'reopen.sqlite');
    const first = new SqliteAccountStore(file);
    await first.addUser({ name: 'ana', role: 'admin', passwordHash: null, createdAt: 'now' });
    await first.close();
    const second = new SqliteAccountStore(file);
    expect(await second.countUsers()).toBe(1);
    await second.close();
  });
});
