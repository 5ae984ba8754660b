import { afterEach, describe, expect, it } from 'vitest';
import { presenceCountsSchema } from '../../src/protocol/presence.js';
import { viewsConflictBodySchema, viewsDocumentSchema, type View } from '../../src/protocol/views.js';
import { startAuthServer, type AuthServer } from '../auth/support/auth-server.js';
import { rawStream } from '../support/raw-sse.js';
import { expectWire } from '../support/wire.js';

/** Issue 10 with real sign-in (accounts mode): smart-folder ownership (SPEC.md VO*) and presence names. */

let t: AuthServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const view = (id: string, extra: Partial<View> = {}): View => ({ id, name: id, path: '/', recursive: true, filters: [], ...extra });
const ids = (doc: { views: View[] }) => doc.views.map((v) => v.id);

describe('smart folders and presence with accounts', () => {
  it('VO1, VO3, VO7: private views stay private, labelers cannot touch shared ones, events reach only who may see', async () => {
    t = await startAuthServer();
    const server = t;
    const [ann, bob, boss] = [await server.signIn('ann', 'labeler'), await server.signIn('bob', 'labeler'), await server.signIn('boss', 'admin')];
    let keys = 0;
    const put = (cookie: string, views: View[], version: number) =>
      server.send('PUT', '/views', { cookie, origin: server.url, 'if-match': `"${version}"`, 'idempotency-key': `k${++keys}` }, { views });
    const get = async (cookie: string) => expectWire(viewsDocumentSchema, (await server.send('GET', '/views', { cookie })).body);

    expect((await put(boss, [view('s', { shared: true })], 1)).status).toBe(200);
    const until = (o: { body: string }) => o.body.includes('"version":4');
    const annStream = rawStream(`${server.url}/events`, { headers: { cookie: ann }, until });
    const bobStream = rawStream(`${server.url}/events`, { headers: { cookie: bob }, until });
    // Wait until the hub holds both streams, so neither can miss the first change.
    await expect.poll(() => server.server.services.labels!.hub.clientCount).toBe(2);

    const mine = await put(ann, [view('s'), view('a', { owner: 'boss' })], 2);
    expect(mine.status).toBe(200);
    expect(mine.body.views[1]).toMatchObject({ id: 'a', owner: 'ann', shared: false });
    expect(ids(await get(bob))).toEqual(['s']);
    const stale = await put(bob, [view('s'), view('b')], 2);
    expect(stale.status).toBe(409);
    expect(ids(expectWire(viewsConflictBodySchema, stale.body).current)).toEqual(['s']);
    const shared = await put(bob, [view('s', { name: 'mine now' })], 3);
    expect([shared.status, shared.body.error.code]).toEqual([403, 'forbidden']);
    expect((await put(boss, [view('s', { name: 'S' })], 3)).status).toBe(200);

    const [annSaw, bobSaw] = await Promise.all([annStream.done, bobStream.done]);
    const versions = (body: string) => [...body.matchAll(/event: views-updated\ndata: \{"version":(\d+)\}/g)].map((m) => Number(m[1]));
    expect(versions(annSaw.body)).toEqual([3, 4]);
    expect(versions(bobSaw.body)).toEqual([4]); // ann's private change never reached bob
  });

  it('presence names come from the account, not from what the client claims', async () => {
    t = await startAuthServer();
    const ann = await t.signIn('ann', 'viewer');
    const beat = await t.send('POST', '/presence', { cookie: ann, origin: t.url, 'x-lenslet-user': 'mallory' }, { gallery_id: '/', client_id: 'c1', status: 'viewing', name: 'mallory' });
    expect(beat.status).toBe(200);
    expect(expectWire(presenceCountsSchema, beat.body).users).toEqual([{ name: 'ann', status: 'viewing' }]);
  });
});
