import { afterEach, describe, expect, it } from 'vitest';
import { startAuthServer, type AuthServer } from '../auth/support/auth-server.js';

/** Issue 14 with real sign-in: "my work" is the signed-in person's, whatever name a client claims. */

let t: AuthServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('progress with accounts', () => {
  it('[PR7] each signed-in person gets their own share of a shared assignment; X-Lenslet-User is ignored; labelers cannot change assignments', async () => {
    t = await startAuthServer();
    const server = t;
    const [ann, bob, boss] = [await server.signIn('ann', 'labeler'), await server.signIn('bob', 'labeler'), await server.signIn('boss', 'admin')];
    const put = await server.send('PUT', '/assignments', { cookie: boss, origin: server.url, 'if-match': '1', 'idempotency-key': 'a1' }, { assignments: [{ id: 'all', path: '/', people: ['ann', 'bob'] }] });
    expect(put.status).toBe(200);
    const share = async (cookie: string, claim?: string) =>
      (await server.send('GET', '/assignments/mine?limit=10', { cookie, ...(claim ? { 'x-lenslet-user': claim } : {}) })).body.items.map((i: { path: string }) => i.path);
    const [annShare, bobShare] = [await share(ann), await share(bob)];
    expect([...annShare, ...bobShare].sort()).toEqual(['/a.jpg', '/sub/b.jpg']);
    expect(await share(ann, 'bob')).toEqual(annShare);
    const denied = await server.send('PUT', '/assignments', { cookie: ann, origin: server.url, 'if-match': '2', 'idempotency-key': 'a2' }, { assignments: [] });
    expect([denied.status, denied.body.error.code]).toEqual([403, 'forbidden']);
    expect((await server.send('GET', '/settings', { cookie: bob })).status).toBe(403);
  });
});
