import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../src/protocol/errors.js';
import { viewsConflictBodySchema, viewsDocumentSchema, type View } from '../../src/protocol/views.js';
import { localPrincipal, type Principal } from '../../src/server/accounts/principal.js';
import { ChangeFeed, type FeedEvent } from '../../src/server/events/change-feed.js';
import { installErrorHandler } from '../../src/server/http/error-handler.js';
import { registerViewsRoutes } from '../../src/server/http/views-routes.js';
import { ViewsStore } from '../../src/server/views/views-store.js';
import { expectWire } from '../support/wire.js';
import { as, signedIn, withPrincipal } from '../support/with-principal.js';

/** Issue 10, smart folders (src/server/views/SPEC.md VO*): through HTTP, with principals set by a test hook. */

const ann = signedIn('ann');
const bob = signedIn('bob');
const boss = signedIn('boss', 'admin');

let dirs: string[] = [];
let apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps) await app.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  apps = [];
  dirs = [];
});

function viewsFile(content?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'lenslet-views-owners-'));
  dirs.push(dir);
  const file = join(dir, 'views.json');
  if (content !== undefined) writeFileSync(file, JSON.stringify(content));
  return file;
}

async function serve(file = viewsFile()) {
  const app = Fastify();
  installErrorHandler(app);
  withPrincipal(app);
  const feed = new ChangeFeed();
  const events: FeedEvent[] = [];
  feed.subscribe((e) => events.push(e));
  registerViewsRoutes(app, await ViewsStore.open({ file, publish: (e) => feed.publish({ id: null, ...e }) }));
  apps.push(app);
  let keys = 0;
  const get = async (by: Principal) => expectWire(viewsDocumentSchema, (await app.inject({ url: '/views', headers: as(by) })).json());
  const put = (by: Principal, views: View[], version: number, key = `k${++keys}`) =>
    app.inject({ method: 'PUT', url: '/views', headers: { ...as(by), 'if-match': `"${version}"`, 'idempotency-key': key }, payload: { views } });
  return { app, events, get, put };
}

const view = (id: string, extra: Partial<View> = {}): View => ({ id, name: id, path: '/', recursive: true, filters: [], ...extra });
const ids = (doc: { views: View[] }) => doc.views.map((v) => v.id);

/** Shared `s` (boss's), then ann's private `a` and bob's private `b`: version 4. */
async function seeded() {
  const s = await serve();
  expect((await s.put(boss, [view('s', { shared: true })], 1)).statusCode).toBe(200);
  expect((await s.put(ann, [view('s'), view('a')], 2)).statusCode).toBe(200);
  expect((await s.put(bob, [view('s'), view('b')], 3)).statusCode).toBe(200);
  s.events.length = 0;
  return s;
}

describe('smart folders with owners over HTTP', () => {
  it('VO1: private views are invisible to others, in GET and in a 409’s current', async () => {
    const s = await seeded();
    expect(await s.get(ann)).toMatchObject({ version: 4, views: [{ id: 's', owner: 'boss', shared: true }, { id: 'a', owner: 'ann', shared: false }] });
    expect(ids(await s.get(bob))).toEqual(['s', 'b']);
    expect(ids(await s.get(boss))).toEqual(['s']);
    const stale = await s.put(bob, [view('s'), view('b'), view('b2')], 2);
    expect(stale.statusCode).toBe(409);
    const conflict = expectWire(viewsConflictBodySchema, stale.json());
    expect([conflict.current.version, ids(conflict.current)]).toEqual([4, ['s', 'b']]);
  });

  it('VO2: the server stamps the owner, whatever the client sends', async () => {
    const s = await seeded();
    const res = await s.put(ann, [view('s'), view('a'), view('a2', { owner: 'boss', shared: false })], 4);
    expect(res.statusCode).toBe(200);
    expect(expectWire(viewsDocumentSchema, res.json()).views.at(-1)).toMatchObject({ id: 'a2', owner: 'ann', shared: false });
    expect(res.headers.etag).toBe('"5"');
  });

  it('VO3, VO4: a labeler changing a shared view, sharing, or using another’s private id gets 403 forbidden', async () => {
    const s = await seeded();
    const attempts = [
      [view('s', { name: 'renamed' }), view('a')],
      [view('a')],
      [view('s'), view('a', { shared: true })],
      [view('s'), view('a'), view('new', { shared: true })],
      [view('s'), view('a'), view('b')],
    ];
    for (const views of attempts) {
      const res = await s.put(ann, views, 4);
      expect(res.statusCode).toBe(403);
      expect(expectWire(errorBodySchema, res.json()).error.code).toBe('forbidden');
    }
    expect((await s.get(boss)).version).toBe(4);
    expect((await s.put(boss, [view('s', { name: 'renamed' })], 4)).statusCode).toBe(200);
    expect((await s.get(ann)).views.map((v) => v.name)).toEqual(['renamed', 'a']);
  });

  it('VO5: a PUT keeps the views the caller cannot see', async () => {
    const s = await seeded();
    expect((await s.put(ann, [view('s')], 4)).statusCode).toBe(200); // ann deletes her own
    expect(ids(await s.get(bob))).toEqual(['s', 'b']);
    expect((await s.put(boss, [], 5)).statusCode).toBe(200); // boss deletes the shared one
    expect(ids(await s.get(bob))).toEqual(['b']);
  });

  it('VO6: a views file from before accounts is served as shared views without an owner', async () => {
    const s = await serve(viewsFile({ version: 3, views: [view('old')] }));
    expect(await s.get(ann)).toEqual({ version: 3, views: [{ ...view('old'), owner: null, shared: true }] });
    expect((await s.put(ann, [], 3)).statusCode).toBe(403);
    expect((await s.app.inject({ url: '/views' })).json().views).toHaveLength(1); // no principal: the local admin
  });

  it('VO7: views-updated goes only to those who may see the change', async () => {
    const s = await seeded();
    await s.put(ann, [view('s'), view('a', { name: 'mine' })], 4);
    const [privateChange] = s.events;
    expect(privateChange).toMatchObject({ id: null, type: 'views-updated', data: { version: 5 } });
    expect([ann, bob, boss, localPrincipal('local')].map((p) => privateChange!.audience!(p))).toEqual([true, false, false, false]);
    await s.put(boss, [view('s', { name: 'S' })], 5);
    expect(s.events[1]).toMatchObject({ data: { version: 6 } });
    expect(s.events[1]!.audience).toBeUndefined();
  });

  it('VO8: a retry is answered as its caller saw it; another caller’s retry of that key is refused', async () => {
    const s = await seeded();
    const first = await s.put(ann, [view('s'), view('a'), view('a2')], 4, 'ann:1');
    await s.put(bob, [view('s'), view('b'), view('b2')], 5, 'bob:1');
    const again = await s.put(ann, [view('s'), view('a'), view('a2')], 4, 'ann:1');
    expect([again.statusCode, again.headers['idempotency-replayed']]).toEqual([200, 'true']);
    expect(again.json()).toEqual(first.json());
    expect(ids(again.json())).toEqual(['s', 'a', 'a2']);
    const stolen = await s.put(bob, [view('s'), view('a'), view('a2')], 4, 'ann:1');
    expect([stolen.statusCode, stolen.json().error.code]).toEqual([422, 'idempotency_key_reused']);
  });
});
