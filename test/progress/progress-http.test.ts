import { afterEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/server/labels/label-export.js';
import { startTestServer, type TestServer } from '../factories/test-server.js';
import { SseClient } from '../labels/support/sse-client.js';
import { call, label, TREE } from './support.js';

/** Issue 14 over HTTP in the real server (local access, people named by X-Lenslet-User); rules PR… in src/server/progress/SPEC.md. */

let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

async function serve(options: Parameters<typeof startTestServer>[1] = {}) {
  const s = await startTestServer(TREE, options);
  servers.push(s);
  await s.server.services.progress!.ready;
  return s;
}

const stats = (s: TestServer, body: unknown) => call(s, 'POST', '/stats', { body });

describe('POST /stats', () => {
  it('[PR3] totals, labeled, stars, tags, people and the hourly timeline of a folder, flat or with its subtree', async () => {
    const s = await serve();
    await label(s, '/a/1.jpg', { set_star: 5, add_tags: ['cat'] }, 'ann');
    await label(s, '/a/1.jpg', { set_star: 4 }, 'ann');
    await label(s, '/a/b/1.jpg', { add_tags: ['cat', 'dog'] }, 'bob');
    await label(s, '/c/1.jpg', { set_notes: 'hm' }, 'bob');
    await label(s, '/a/2.jpg', { set_star: 0 }, 'cy');

    const tree = await stats(s, { path: '/a', recursive: true });
    expect(tree.status).toBe(200);
    expect(tree.body).toMatchObject({
      total: 7,
      labeled: 2,
      by_star: { 0: 6, 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 },
      by_flag: { pick: 0, reject: 0, none: 7 },
      by_tag: [
        { tag: 'cat', count: 2 },
        { tag: 'dog', count: 1 },
      ],
    });
    expect(tree.body.by_user.map((u: { user: string; edits: number; items: number }) => [u.user, u.edits, u.items])).toEqual([
      ['ann', 2, 1],
      ['bob', 1, 1],
      ['cy', 1, 0],
    ]);
    expect(tree.body.timeline).toHaveLength(168);
    expect(tree.body.timeline.at(-1).edits).toBe(4);
    expect(new Date(tree.body.timeline.at(-1).t).getTime()).toBeLessThanOrEqual(Date.now());

    const flat = await stats(s, { path: '/a', recursive: false });
    expect(flat.body).toMatchObject({ total: 4, labeled: 1, by_tag: [{ tag: 'cat', count: 1 }] });
    const all = await stats(s, {});
    expect(all.body).toMatchObject({ total: 12, labeled: 3 });
  });

  it('[PR4] with filters, stats count the filtered set and the writes to it', async () => {
    const s = await serve();
    await label(s, '/a/1.jpg', { set_star: 5 }, 'ann');
    await label(s, '/a/2.jpg', { set_star: 2 }, 'bob');
    await label(s, '/c/1.jpg', { set_star: 5 }, 'bob');
    const five = await stats(s, { path: '/', recursive: true, filters: [{ stars: [5] }] });
    expect(five.body).toMatchObject({ total: 2, labeled: 2, by_star: { 0: 0, 5: 2 } });
    expect(five.body.by_user.map((u: { user: string; edits: number }) => [u.user, u.edits])).toEqual([
      ['ann', 1],
      ['bob', 1],
    ]);
    const wide = await stats(s, { path: '/a', filters: [{ width: { gt: 3 } }] });
    expect(wide.body).toMatchObject({ total: 1, labeled: 0, by_user: [] });
  });

  it('[PR2] flags count in by_flag, in `any`, and alone under the `flag` rule', async () => {
    const s = await serve();
    await label(s, '/c/1.jpg', { set_flag: 'reject' }, 'bob');
    await label(s, '/c/2.jpg', { set_flag: 'pick', set_star: 3 }, 'bob');
    await label(s, '/c/3.jpg', { set_star: 2 }, 'bob');
    expect((await stats(s, { path: '/c' })).body).toMatchObject({ total: 3, labeled: 3, by_flag: { pick: 1, reject: 1, none: 1 } });
    expect((await call(s, 'PUT', '/settings', { body: { labeled: 'flag', version: 1 } })).status).toBe(200);
    expect((await stats(s, { path: '/c' })).body.labeled).toBe(2);
    expect((await stats(s, { path: '/c', filters: [{ flags: ['pick'] }] })).body).toMatchObject({ total: 1, labeled: 1, by_flag: { pick: 1, reject: 0, none: 0 } });
  });

  it('[PR3] bad input is a 4xx with an error code', async () => {
    const s = await serve();
    expect((await stats(s, { path: '/nope' })).status).toBe(404);
    expect((await stats(s, { path: '/a', extra: 1 })).status).toBe(400);
    expect((await stats(s, { path: '/a', filters: [{ stars: [9] }] })).status).toBe(400);
  });

  it('[PR3] edits still in the event log at start are counted after a restart, and the counters follow writes', async () => {
    const s = await serve();
    await label(s, '/a/1.jpg', { set_star: 3 }, 'ann');
    await label(s, '/a/2.jpg', { set_star: 3 }, 'ann');
    await s.server.close();
    const { startServer } = await import('../../src/server/index.js');
    const again = await startServer({ root: s.dir, port: 0, webDir: null });
    try {
      await again.source.whenIdle();
      await again.services.progress!.ready;
      const body = await (await fetch(`${again.url}/stats`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"path":"/a"}' })).json();
      expect(body).toMatchObject({ labeled: 2, by_user: [{ user: 'ann', edits: 2, items: 2 }] });
    } finally {
      await again.close();
    }
  });
});

describe('GET/PUT /settings', () => {
  it('[PR5] versioned like smart folders: If-Match, 409 with current, replay, settings-updated, and `labeled` follows the rule', async () => {
    const s = await serve();
    await label(s, '/c/1.jpg', { set_star: 2 });
    await label(s, '/c/2.jpg', { add_tags: ['done'] });
    const initial = await call(s, 'GET', '/settings');
    expect([initial.status, initial.body, initial.headers.get('etag')]).toEqual([200, { version: 1, labeled: 'any' }, '"1"']);
    expect((await stats(s, { path: '/c' })).body.labeled).toBe(2);

    const events = await SseClient.connect(`${s.url}/events`);
    const put = (labeled: string, version: number, key?: string) =>
      call(s, 'PUT', '/settings', { body: { labeled }, headers: { 'if-match': `"${version}"`, ...(key ? { 'idempotency-key': key } : {}) } });
    const applied = await put('tag:done', 1, 'set-1');
    expect([applied.status, applied.body, applied.headers.get('etag')]).toEqual([200, { version: 2, labeled: 'tag:done' }, '"2"']);
    expect((await events.waitForEvents('settings-updated', 1))[0]!.json).toEqual({ version: 2 });
    events.close();
    expect((await stats(s, { path: '/c' })).body.labeled).toBe(1);

    const replay = await put('tag:done', 1, 'set-1');
    expect([replay.status, replay.headers.get('idempotency-replayed'), replay.body.version]).toEqual([200, 'true', 2]);
    expect((await put('star', 1, 'set-1')).body.error.code).toBe('idempotency_key_reused');
    const stale = await put('star', 1);
    expect([stale.status, stale.body.error.code, stale.body.current]).toEqual([409, 'version_conflict', { version: 2, labeled: 'tag:done' }]);
    expect((await put('stars', 2)).status).toBe(400);
    expect((await call(s, 'PUT', '/settings', { body: { labeled: 'star' } })).body.error.code).toBe('missing_base_version');
    const noKey = await fetch(`${s.url}/settings`, { method: 'PUT', headers: { 'content-type': 'application/json', 'if-match': '2' }, body: '{"labeled":"star"}' });
    expect(noKey.status).toBe(400);
  });

  it('[PR5] the settings are kept in <workspace>/team.sqlite across a restart', async () => {
    const s = await serve();
    expect((await call(s, 'PUT', '/settings', { body: { labeled: 'flag', version: 1 } })).status).toBe(200);
    await s.server.close();
    const { startServer } = await import('../../src/server/index.js');
    const again = await startServer({ root: s.dir, port: 0, webDir: null });
    try {
      expect(await (await fetch(`${again.url}/settings`)).json()).toEqual({ version: 2, labeled: 'flag' });
    } finally {
      await again.close();
    }
  });
});

describe('assignments', () => {
  const putAssignments = (s: TestServer, assignments: unknown[], version: number) => call(s, 'PUT', '/assignments', { body: { assignments }, headers: { 'if-match': `"${version}"` } });
  const mine = (s: TestServer, user: string, query = '') => call(s, 'GET', `/assignments/mine${query}`, { user });
  const paths = (reply: { body: { items: { path: string }[] } }) => reply.body.items.map((i) => i.path);

  it('[PR6] versioned like smart folders, with assignments-updated; bad documents are 400', async () => {
    const s = await serve();
    const events = await SseClient.connect(`${s.url}/events`);
    const applied = await putAssignments(s, [{ id: 'a', path: '/a/', people: ['ann', 'bob'] }], 1);
    expect([applied.status, applied.body]).toEqual([200, { version: 2, assignments: [{ id: 'a', path: '/a', people: ['ann', 'bob'] }] }]);
    expect((await events.waitForEvents('assignments-updated', 1))[0]!.json).toEqual({ version: 2 });
    events.close();
    const stale = await putAssignments(s, [], 1);
    expect([stale.status, stale.body.current.version]).toEqual([409, 2]);
    expect((await putAssignments(s, [{ id: 'x', path: '/a', view: 'v', people: ['ann'] }], 2)).status).toBe(400);
    expect((await putAssignments(s, [{ id: 'x', people: ['ann'] }], 2)).status).toBe(400);
    expect((await putAssignments(s, [{ id: 'x', path: '/a', people: [] }], 2)).status).toBe(400);
    const twice = await putAssignments(s, [{ id: 'x', path: '/a', people: ['ann'] }, { id: 'x', path: '/c', people: ['bob'] }], 2);
    expect([twice.status, twice.body.error.code]).toEqual([400, 'invalid_body']);
    expect((await call(s, 'GET', '/assignments')).body.version).toBe(2);
  });

  it('[PR7] a shared assignment’s unlabeled items are a partition of its people, in a stable order that shrinks as items are labeled', async () => {
    const s = await serve();
    await label(s, '/a/3.jpg', { set_star: 1 });
    expect((await putAssignments(s, [{ id: 'all', path: '/', people: ['ann', 'Bob', 'cy'] }], 1)).status).toBe(200);
    const shares = await Promise.all(['ann', 'bob', 'cy'].map((u) => mine(s, u, '?limit=100')));
    const all = shares.flatMap(paths);
    expect(all.sort()).toEqual(Object.keys(TREE).map((p) => `/${p}`).filter((p) => p !== '/a/3.jpg').sort());
    expect(new Set(all).size).toBe(all.length);
    for (const share of shares) {
      expect(share.body.total).toBe(share.body.items.length);
      expect(paths(share)).toEqual([...paths(share)].sort());
    }
    // The same split on every call, and names compare without case.
    expect(paths(await mine(s, 'BOB', '?limit=100'))).toEqual(paths(shares[1]!));
    expect(paths(await mine(s, 'nobody'))).toEqual([]);

    const ann = shares[0]!;
    const first = paths(ann)[0]!;
    const page = await mine(s, 'ann', '?offset=1&limit=1');
    expect([page.body.total, paths(page)]).toEqual([ann.body.total, [paths(ann)[1] ?? []].flat()]);
    await label(s, first, { add_tags: ['seen'] }, 'bob');
    const after = await mine(s, 'ann', '?limit=100');
    expect(after.body.total).toBe(ann.body.total - 1);
    expect(paths(after)).toEqual(paths(ann).slice(1));
    expect((await mine(s, 'ann', '?limit=5000')).status).toBe(400);
  });

  it('[PR7] a smart folder can be assigned, and "labeled" follows the setting', async () => {
    const s = await serve();
    await label(s, '/a/1.jpg', { set_star: 5 });
    await label(s, '/c/1.jpg', { set_star: 5 });
    await label(s, '/c/2.jpg', { add_tags: ['x'] });
    const views = await call(s, 'PUT', '/views', { body: { views: [{ id: 'c', name: 'c', path: '/c', recursive: true, filters: [] }] }, headers: { 'if-match': '1' } });
    expect(views.status).toBe(200);
    expect((await putAssignments(s, [{ id: 'v', view: 'c', people: ['ann'] }], 1)).status).toBe(200);
    expect(paths(await mine(s, 'ann'))).toEqual(['/c/3.jpg']);
    expect((await call(s, 'PUT', '/settings', { body: { labeled: 'star', version: 1 } })).status).toBe(200);
    expect(paths(await mine(s, 'ann'))).toEqual(['/c/2.jpg', '/c/3.jpg']);
  });
});

describe('exports', () => {
  it('[PR8] GET /stats/export has label writes per person and day; the labels export has an assignee column', async () => {
    const s = await serve();
    await label(s, '/a/1.jpg', { set_star: 5 }, 'ann');
    await label(s, '/a/1.jpg', { set_star: 4 }, 'ann');
    await label(s, '/c/1.jpg', { set_star: 1 }, 'bob');
    const csv = await call(s, 'GET', '/stats/export?format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const today = new Date().toISOString().slice(0, 10);
    expect(parseCsv(csv.body)).toEqual([
      ['date', 'user', 'edits', 'items'],
      [today, 'ann', '2', '1'],
      [today, 'bob', '1', '1'],
    ]);
    expect(parseCsv((await call(s, 'GET', '/stats/export?format=csv&path=/c')).body)).toEqual([
      ['date', 'user', 'edits', 'items'],
      [today, 'bob', '1', '1'],
    ]);
    expect((await call(s, 'GET', '/stats/export?format=xml')).status).toBe(400);

    expect((await call(s, 'PUT', '/assignments', { body: { version: 1, assignments: [{ id: 'a', path: '/a', people: ['Ann'] }] } })).status).toBe(200);
    const labels = parseCsv((await call(s, 'GET', '/export?format=csv&all=1&path=/')).body);
    const assignee = labels[0]!.indexOf('assignee');
    const byPath = new Map(labels.slice(1).map((r) => [r[0], r[assignee]]));
    expect([byPath.get('/a/1.jpg'), byPath.get('/a/b/2.jpg'), byPath.get('/c/1.jpg')]).toEqual(['Ann', 'Ann', '']);
    const json = (await call(s, 'GET', '/export?format=json&path=/')).body;
    expect(json.map((r: { path: string; assignee?: string }) => [r.path, r.assignee])).toEqual([
      ['/a/1.jpg', 'Ann'],
      ['/c/1.jpg', undefined],
    ]);
  });
});

describe('presence', () => {
  it('[PR9] a heartbeat may name the item open (a soft claim others see); older heartbeats without it still work', async () => {
    const s = await serve();
    const beat = (body: unknown, user: string) => call(s, 'POST', '/presence', { body, user });
    const bob = await beat({ gallery_id: '/a', client_id: 'tab-b', status: 'editing', item: '/a/1.jpg/' }, 'Bob');
    expect(bob.status).toBe(200);
    const ann = await beat({ gallery_id: '/a', client_id: 'tab-a', status: 'viewing' }, 'Ann');
    expect(ann.body.users).toEqual([
      { name: 'Bob', status: 'editing', item: '/a/1.jpg' },
      { name: 'Ann', status: 'viewing' },
    ]);
    expect((await beat({ gallery_id: '/a', client_id: 'tab-c', status: 'viewing', item: 'a/../../x' }, 'Cy')).status).toBe(400);
  });
});
