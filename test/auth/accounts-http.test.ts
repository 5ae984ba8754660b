import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUsersCommand } from '../../src/server/accounts/account-cli.js';
import { resolveAccess } from '../../src/server/http/auth/access-options.js';
import { startServer } from '../../src/server/index.js';
import { makeTempDir, removeDir } from '../factories/image-tree.js';
import { openStream, startAuthServer, type AuthServer } from './support/auth-server.js';

/** Issue 10's rules over HTTP, in accounts mode unless a test says otherwise. */

let t: AuthServer;
beforeAll(async () => {
  t = await startAuthServer();
});
afterAll(() => t.close());

/** A label write on `/a.jpg` against its current version. */
async function patchA(headers: Record<string, string>, key: string, body: object = { add_tags: ['x'] }) {
  const current = await t.send('GET', '/item?path=/a.jpg', headers);
  const version = String(current.body.version ?? 1);
  return t.send('PATCH', '/item?path=/a.jpg', { 'idempotency-key': key, 'if-match': version, ...headers }, body);
}

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Lax, Path=/ session cookie; Secure only over https (a trusted proxy saying so)', async () => {
    const cookie = await t.signIn('ana', 'admin');
    expect(cookie).toMatch(/^lenslet_session=.{40,}/);
    const login = await t.send('POST', '/auth/login', { origin: t.url }, { username: 'ana', password: 'a long password' });
    const flags = String([login.headers['set-cookie']].flat()[0]);
    expect(flags).toContain('HttpOnly');
    expect(flags).toContain('SameSite=Lax');
    expect(flags).toContain('Path=/');
    expect(flags).not.toContain('Secure');
    expect(login.body).toMatchObject({ access: 'accounts', user: { name: 'ana', role: 'admin' }, can: { admin: true } });
    const behindTls = await t.send('POST', '/auth/login', { origin: t.url, 'x-forwarded-proto': 'https' }, { username: 'ana', password: 'a long password' });
    expect(String([behindTls.headers['set-cookie']].flat()[0])).toContain('; Secure');
    expect((await t.send('GET', '/auth/me', { cookie })).body.user).toEqual({ name: 'ana', role: 'admin' });
    expect((await t.send('GET', '/auth/me')).body).toMatchObject({ access: 'accounts', user: null });
  });

  it('signing out ends the session at once', async () => {
    const cookie = await t.signIn('sam', 'viewer');
    expect((await t.send('GET', '/folders', { cookie })).status).toBe(200);
    expect((await t.send('POST', '/auth/logout', { cookie, origin: t.url })).status).toBe(200);
    expect((await t.send('GET', '/folders', { cookie })).status).toBe(401);
  });
});

describe('throttling', () => {
  // Its own server: the address is throttled too, and every test signs in from 127.0.0.1.
  it('throttles: the sixth failed sign-in within a minute answers 429 with Retry-After, and is audited', async () => {
    const own = await startAuthServer();
    const t2 = own;
    await t2.signIn('thea', 'viewer');
    for (let i = 0; i < 5; i++) expect((await t2.send('POST', '/auth/login', { origin: t2.url }, { username: 'thea', password: `wrong ${i}` })).status).toBe(401);
    const refused = await t2.send('POST', '/auth/login', { origin: t2.url }, { username: 'thea', password: 'a long password' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const audit = await (await t2.admin()).auditLog(50, null);
    expect(audit.entries.some((e) => e.kind === 'sign_in_throttled' && e.subject === 'thea')).toBe(true);
    await own.close();
  });

});

describe('enforcement', () => {
  it('refuses a state-changing request with a cookie that a page of another site sent (CSRF); a page of this origin, a client that is no page, or a Bearer token pass', async () => {
    const cookie = await t.signIn('lee', 'labeler');
    // No Origin and no Sec-Fetch-Site: no browser page sent it (browsers send one of them on every
    // POST/PUT/PATCH/DELETE, and a SameSite=Lax cookie never rides a cross-site write anyway).
    expect((await patchA({ cookie }, 'csrf-1')).status).toBe(200);
    expect((await patchA({ cookie, origin: 'https://evil.example' }, 'csrf-2')).body.error.code).toBe('cross_site_refused');
    expect((await patchA({ cookie, 'sec-fetch-site': 'cross-site' }, 'csrf-3')).status).toBe(403);
    expect((await patchA({ cookie, origin: t.url }, 'csrf-4')).status).toBe(200);
    expect((await patchA({ authorization: `Bearer ${await t.token('script', 'labeler')}` }, 'csrf-5')).status).toBe(200);
  });

  it('still answers 421 to a Host that is none of the server’s names', async () => {
    const cookie = await t.signIn('ana', 'admin');
    expect((await t.send('GET', '/folders', { cookie, host: 'evil.example' })).status).toBe(421);
  });

  it('a revoked token answers 401 at its next request', async () => {
    const secret = await t.token('revoked-soon', 'viewer');
    expect((await t.send('GET', '/folders', { authorization: `Bearer ${secret}` })).status).toBe(200);
    await (await t.admin()).revokeToken('revoked-soon', { name: 'test', address: null });
    const after = await t.send('GET', '/folders', { authorization: `Bearer ${secret}` });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
  });

  it('a role change answers 403 at the next request', async () => {
    const cookie = await t.signIn('ray', 'labeler');
    expect((await patchA({ cookie, origin: t.url }, 'role-1')).status).toBe(200);
    const admin = await t.signIn('ana', 'admin');
    const patched = await t.send('PATCH', '/admin/users/ray', { cookie: admin, origin: t.url }, { role: 'viewer' });
    expect(patched.status).toBe(200);
    const refused = await patchA({ cookie, origin: t.url }, 'role-2');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
  });

  it('cannot remove or demote the last admin (409 last_admin)', async () => {
    const admin = await t.signIn('ana', 'admin');
    for (const user of (await (await t.admin()).listUsers()).filter((u) => u.role === 'admin' && u.name !== 'ana')) {
      await (await t.admin()).removeUser(user.name, { name: 'test', address: null });
    }
    expect((await t.send('DELETE', '/admin/users?name=ana', { cookie: admin, origin: t.url })).body.error.code).toBe('last_admin');
    expect((await t.send('PATCH', '/admin/users', { cookie: admin, origin: t.url }, { name: 'ana', role: 'viewer' })).status).toBe(409);
  });

  it('/health tells anonymous callers no paths', async () => {
    const anonymous = await t.send('GET', '/health');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.root).toBe('');
    expect(anonymous.body.labels.path).toBeNull();
    const signedIn = await t.send('GET', '/health', { cookie: await t.signIn('ana', 'admin') });
    expect(signedIn.body.root).toBe(t.server.source.root);
  });
});

describe('attribution', () => {
  it('updated_by, history and the export carry the signed-in name, whatever X-Lenslet-User claims', async () => {
    const cookie = await t.signIn('Zoë', 'labeler');
    const write = await patchA({ cookie, origin: t.url, 'x-lenslet-user': 'mallory' }, 'attr-1', { set_notes: 'by zoë' });
    expect(write.status).toBe(200);
    expect(write.body.updated_by).toBe('Zoë');
    const history = await t.send('GET', '/item/history?path=/a.jpg', { cookie });
    expect(history.body.entries[0].updated_by).toBe('Zoë');
    const exported = await t.send('GET', '/export?format=json', { cookie });
    expect(JSON.stringify(exported.body)).toContain('"updated_by":"Zoë"');
    const token = await t.token('gpu-worker-1', 'worker');
    const metrics = await t.send('PUT', '/metrics', { authorization: `Bearer ${token}`, 'x-lenslet-user': 'mallory' }, { items: [{ path: '/sub/b.jpg', metrics: { score: 0.5 } }] });
    expect(metrics.status).toBe(200);
    expect((await t.send('GET', '/item?path=/sub/b.jpg', { cookie })).body.updated_by).toBe('gpu-worker-1');
  });
});

describe('event streams', () => {
  it('need credentials, and close at once when their user is removed through the API', async () => {
    expect((await openStream(t.server.port, {})).status).toBe(401);
    const cookie = await t.signIn('sol', 'viewer');
    const stream = await openStream(t.server.port, { cookie });
    expect(stream.status).toBe(200);
    const admin = await t.signIn('ana', 'admin');
    expect((await t.send('DELETE', '/admin/users/sol', { cookie: admin, origin: t.url })).status).toBe(200);
    await stream.ended;
    expect((await t.send('GET', '/folders', { cookie })).status).toBe(401);
  });

  it('close when the CLI removes their user while the server runs', async () => {
    const cookie = await t.signIn('kai', 'viewer');
    const stream = await openStream(t.server.port, { cookie });
    let ended = false;
    void stream.ended.then(() => (ended = true));
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough() };
    expect(await runUsersCommand(['remove', t.dir, 'kai'], io)).toBe(0);
    await until(() => ended, 'the stream to close');
    expect((await t.send('GET', '/folders', { cookie })).status).toBe(401);
  });

  it('close when a token is revoked or a session signs out', async () => {
    const secret = await t.token('stream-token', 'viewer');
    const byToken = await openStream(t.server.port, { authorization: `Bearer ${secret}` });
    await (await t.admin()).revokeToken('stream-token', { name: 'test', address: null });
    await byToken.ended;
    const cookie = await t.signIn('noa', 'viewer');
    const bySession = await openStream(t.server.port, { cookie });
    await t.send('POST', '/auth/logout', { cookie, origin: t.url });
    await bySession.ended;
  });
});

describe('first start', () => {
  it('prints a one-time setup link only while there are no users', async () => {
    const dir = makeTempDir();
    const first = await startServer({ root: dir, port: 0, webDir: null, access: { mode: 'accounts' } });
    try {
      expect(first.setupUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/setup\?token=/);
      const token = new URL(first.setupUrl!).searchParams.get('token')!;
      const me = await fetch(`${first.url}/auth/me`).then((r) => r.json());
      expect(me).toMatchObject({ user: null, setup_required: true });
      const body = JSON.stringify({ token, username: 'founder', password: 'a long password' });
      const setup = await fetch(`${first.url}/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json', origin: first.url }, body });
      expect(setup.status).toBe(200);
      expect(setup.headers.get('set-cookie')).toContain('lenslet_session=');
      expect(await setup.json()).toMatchObject({ user: { name: 'founder', role: 'admin' } });
      const again = await fetch(`${first.url}/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json', origin: first.url }, body: body.replace('founder', 'eve') });
      expect(again.status).toBe(410);
    } finally {
      await first.close();
    }
    const second = await startServer({ root: dir, port: 0, webDir: null, access: { mode: 'accounts' } });
    expect(second.setupUrl).toBeNull();
    await second.close();
    removeDir(dir);
  });

  it('refuses --access local on a non-loopback host with one line naming the choices', async () => {
    expect(() => resolveAccess('0.0.0.0', { mode: 'local' })).toThrow(/--access local needs a loopback --host.*accounts.*proxy.*open/);
    expect(resolveAccess('0.0.0.0').mode).toBe('accounts');
    expect(resolveAccess('::1').mode).toBe('local');
    const dir = makeTempDir();
    await expect(startServer({ root: dir, port: 0, host: '0.0.0.0', webDir: null, access: { mode: 'local' } })).rejects.toThrow(/accounts.*proxy.*open/);
    removeDir(dir);
  });
});

describe('proxy mode', () => {
  it('takes the user from a trusted proxy (created on first sight), and answers 401 to the header from elsewhere', async () => {
    const trusted = await startAuthServer({ access: { mode: 'proxy' } });
    try {
      const first = await trusted.send('GET', '/auth/me', { 'x-forwarded-user': 'pat' });
      expect(first.body.user).toEqual({ name: 'pat', role: 'labeler' });
      const audit = await (await trusted.admin()).auditLog(10, null);
      expect(audit.entries.some((e) => e.kind === 'proxy_user_created' && e.subject === 'pat')).toBe(true);
      expect((await trusted.send('GET', '/folders')).status).toBe(401);
    } finally {
      await trusted.close();
    }
    const untrusted = await startAuthServer({ access: { mode: 'proxy', trustedProxies: ['10.0.0.0/8'] } });
    try {
      const forged = await untrusted.send('GET', '/folders', { 'x-forwarded-user': 'admin' });
      expect(forged.status).toBe(401);
      expect(forged.body.error.code).toBe('unauthenticated');
    } finally {
      await untrusted.close();
    }
  });
});

describe('--cors-origin', () => {
  it('sends CORS headers for that origin only, and none without the option', async () => {
    expect((await t.send('GET', '/health', { origin: 'https://app.example' })).headers['access-control-allow-origin']).toBeUndefined();
    const cors = await startAuthServer({ access: { mode: 'accounts', corsOrigin: 'https://app.example' } });
    try {
      const preflight = await cors.send('OPTIONS', '/item', { origin: 'https://app.example', 'access-control-request-method': 'PATCH' });
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-credentials']).toBe('true');
      expect((await cors.send('GET', '/health', { origin: 'https://other.example' })).headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await cors.close();
    }
  });
});
