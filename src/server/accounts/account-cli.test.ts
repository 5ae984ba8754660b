import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTokensCommand, runUsersCommand } from './account-cli.js';
import { SERVER_URL_SETTING } from './account-store.js';
import { SqliteAccountStore } from './sqlite-account-store.js';
import { runInProcess } from '../../../test/support/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-account-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runInProcess;

describe('lenslet users / tokens', () => {
  it('adds a user with an invite link (or a password from stdin), lists, changes roles and removes', async () => {
    const folder = join(dir, 'gallery');
    const added = await run(runUsersCommand, ['add', folder, 'ana', '--role', 'admin']);
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/http:\/\/127\.0\.0\.1:7070\/invite\?token=[\w-]{40,}/);
    expect((await run(runUsersCommand, ['add', folder, 'bo', '--role', 'labeler', '--password-stdin'], 'a long password\n')).out).toContain('with the password given');
    expect((await run(runUsersCommand, ['add', folder, 'BO', '--role', 'viewer'])).err).toContain('exists already');
    expect((await run(runUsersCommand, ['add', folder, 'cy', '--role', 'owner'])).code).toBe(1);
    const list = await run(runUsersCommand, ['list', folder]);
    expect(list.out).toContain('ana\tadmin\tinvite pending');
    expect(list.out).toContain('bo\tlabeler\tpassword set');
    expect((await run(runUsersCommand, ['set-role', folder, 'bo', 'viewer'])).out).toContain('bo is now viewer');
    expect((await run(runUsersCommand, ['set-role', folder, 'ana', '--role', 'viewer'])).err).toContain('no admin');
    expect((await run(runUsersCommand, ['remove', folder, 'bo'])).code).toBe(0);
    expect((await run(runUsersCommand, ['remove', folder, 'bo'])).err).toContain('no user named');
    const store = new SqliteAccountStore(join(folder, '.lenslet', 'accounts.sqlite'));
    await store.setSetting(SERVER_URL_SETTING, 'http://gallery.lan:8080');
    await store.close();
    expect((await run(runUsersCommand, ['invite', folder, 'ana'])).out).toContain('http://gallery.lan:8080/invite?token=');
    expect((await run(runUsersCommand, ['invite', folder, 'ana', '--url', 'https://lenslet.example/'])).out).toContain('https://lenslet.example/invite?token=');
  });

  it('creates a token shown once, lists and revokes it; --workspace is honoured', async () => {
    const workspace = join(dir, 'ws');
    const created = await run(runTokensCommand, ['create', join(dir, 'data'), '--workspace', workspace, '--name', 'gpu', '--role', 'worker']);
    expect(created.code).toBe(0);
    expect(created.out.trim()).toMatch(/^lsl_[\w-]{43}$/);
    const list = await run(runTokensCommand, ['list', join(dir, 'data'), '--workspace', workspace]);
    expect(list.out).toMatch(/^[0-9a-f]{12}\tgpu\tworker\t/);
    expect(list.out).not.toContain(created.out.trim());
    expect((await run(runTokensCommand, ['revoke', join(dir, 'data'), '--workspace', workspace, 'gpu'])).code).toBe(0);
    expect((await run(runTokensCommand, ['list', join(dir, 'data'), '--workspace', workspace])).out).toBe('No tokens.\n');
    expect((await run(runTokensCommand, ['nope', join(dir, 'data')])).err).toContain('unknown command');
  });
});
