import { describe, expect, it } from 'vitest';
import { applyOps, type LabelState } from './label-ops.js';
import { FakeClock, FakeLabelServer, flush, storage } from './testing/fakes.js';
import { ORPHAN_AFTER_MS, WriteQueue } from './write-queue.js';
import type { KeyValueStorage } from './client-identity.js';
import type { FetchLike } from './write-queue.js';

/** A queue wired like the app wires it: the "confirmed" map stands in for the query cache. */
function setup(
  opts: { server?: FakeLabelServer; store?: KeyValueStorage; clock?: FakeClock; tab?: string; fetch?: FetchLike; afterPaint?: (run: () => void) => void } = {},
) {
  const server = opts.server ?? new FakeLabelServer();
  const clock = opts.clock ?? new FakeClock();
  const store = opts.store ?? storage();
  const confirmed = new Map<string, LabelState>();
  const changes: string[] = [];
  const missing: string[] = [];
  const queue = new WriteQueue({
    fetch: (u, i) => (opts.fetch ?? server.fetch)(u, i),
    storage: store,
    clock,
    clientId: 'client-abc',
    tabId: opts.tab ?? 'tab1',
    getUser: () => 'Ada',
    // Like the grid: the client knows an item's state from when it loaded (the first time it asks).
    getBase: (p) => {
      if (!confirmed.has(p) && server.items.has(p)) confirmed.set(p, server.items.get(p)!);
      return confirmed.get(p) ?? null;
    },
    onServerState: (p, s) => {
      const cur = confirmed.get(p);
      if (!cur || s.version >= cur.version) confirmed.set(p, s);
    },
    onPathChange: (p) => changes.push(p),
    onMissing: (p) => missing.push(p),
    afterPaint: opts.afterPaint,
    random: () => 0.5,
  });
  const display = (p: string) => queue.pendingOps(p).reduce(applyOps, confirmed.get(p) ?? server.items.get(p)!);
  /** The client loads the item now (the grid fetched it). */
  const load = (p: string) => confirmed.set(p, server.items.get(p)!);
  return { server, clock, store, queue, confirmed, changes, missing, display, load };
}

describe('write queue', () => {
  it('sends an edit with base_version, an idempotency key and the user headers', async () => {
    const { server, queue, clock } = setup();
    server.seed('/a.jpg');
    queue.start();
    queue.edit(['/a.jpg'], { set_star: 4 });
    await clock.advance(0);
    expect(server.calls).toHaveLength(1);
    const call = server.calls[0]!;
    expect(call.url).toBe('/item?path=%2Fa.jpg');
    expect(call.body).toEqual({ base_version: 1, set_star: 4 });
    expect(call.headers['Idempotency-Key']).toBe('client-abc:1');
    expect(call.headers['X-Client-Id']).toBe('client-abc');
    expect(call.headers['X-Lenslet-User']).toBe('Ada');
    expect(server.items.get('/a.jpg')).toMatchObject({ star: 4, version: 2 });
    expect(queue.getSnapshot()).toMatchObject({ status: 'saved', pending: 0 });
    expect(queue.getSnapshot().items.get('/a.jpg')?.status).toBe('saved');
  });

  it('sends nothing for an edit the item already satisfies, unless edits are still pending', async () => {
    const { server, queue, clock } = setup();
    server.seed('/a.jpg');
    queue.start();
    queue.edit(['/a.jpg'], { set_star: 4 });
    await clock.advance(0);
    expect(queue.edit(['/a.jpg'], { set_star: 4 })).toBe(false);
    expect(queue.edit(['/a.jpg'], { remove_tags: ['never-there'] })).toBe(false);
    await clock.advance(0);
    expect(server.calls).toHaveLength(1);
    // 4 → 2 → 4 while unsent: the last edit still has to go, or the 2 would win
    queue.edit(['/a.jpg'], { set_star: 2 });
    expect(queue.edit(['/a.jpg'], { set_star: 4 })).toBe(true);
    await clock.advance(0);
    expect(server.items.get('/a.jpg')).toMatchObject({ star: 4 });
  });

  it('keeps edits of one item in order and moves later edits onto the version the earlier one made', async () => {
    const server = new FakeLabelServer();
    server.seed('/a.jpg');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { queue, clock } = setup({ server, fetch: async (u, i) => {
        await gate;
        return server.fetch(u, i);
      },
    });
    queue.start();
    queue.edit(['/a.jpg'], { set_star: 1 });
    await flush(); // the first request is in flight: the next edit can't merge into it
    queue.edit(['/a.jpg'], { add_tags: ['cat'] });
    queue.edit(['/a.jpg'], { set_notes: 'hello' }); // merges into the unsent second edit
    release();
    await clock.advance(0);
    expect(server.calls.map((c) => c.body)).toEqual([
      { base_version: 1, set_star: 1 },
      { base_version: 2, add_tags: ['cat'], set_notes: 'hello' },
    ]);
    expect(server.items.get('/a.jpg')).toMatchObject({ version: 3, star: 1, tags: ['cat'], notes: 'hello' });
    expect(server.calls.map((c) => c.headers['Idempotency-Key'])).toEqual(['client-abc:1', 'client-abc:2']);
  });

  it('sends different items concurrently', async () => {
    const server = new FakeLabelServer();
    server.seed('/a.jpg');
    server.seed('/b.jpg');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    const { queue, clock } = setup({
      server,
      fetch: async (u, i) => {
        started++;
        await gate;
        return server.fetch(u, i);
      },
    });
    queue.start();
    queue.edit(['/a.jpg'], { set_star: 1 });
    queue.edit(['/b.jpg'], { set_star: 2 });
    await flush();
    expect(started).toBe(2);
    expect(queue.getSnapshot()).toMatchObject({ status: 'syncing', pending: 2 });
    release();
    await clock.advance(0);
    expect(server.calls).toHaveLength(2);
    expect(queue.getSnapshot().status).toBe('saved');
  });

  it('[AV4] with afterPaint, queues and persists an edit at once, and shows and sends it when afterPaint runs, one run for several edits', async () => {
    const deferred: Array<() => void> = [];
    const store = storage();
    const { server, queue, clock, changes } = setup({ store, afterPaint: (run) => deferred.push(run) });
    server.seed('/a.jpg');
    server.seed('/b.jpg');
    queue.start();
    let emitted = 0;
    queue.subscribe(() => emitted++);
    expect(queue.edit(['/a.jpg'], { set_star: 4 })).toBe(true);
    queue.edit(['/b.jpg'], { set_star: 2 });
    // Queued: a next edit of the item builds on it, and it is what the item shows once rendered.
    expect(queue.pendingOps('/a.jpg')).toEqual([{ set_star: 4 }]);
    await clock.advance(0);
    expect(server.calls).toHaveLength(0);
    expect(changes).toEqual([]);
    expect(emitted).toBe(0);
    // Persisted before it is sent: a tab closed now loses nothing.
    expect(new WriteQueue({ fetch: server.fetch, storage: store, clock, clientId: 'client-abc', tabId: 'tab1', getUser: () => '', getBase: () => null }).pendingPaths()).toEqual([
      '/a.jpg',
      '/b.jpg',
    ]);
    expect(deferred).toHaveLength(1);
    deferred.shift()!();
    expect(changes).toEqual(['/a.jpg', '/b.jpg']);
    expect(emitted).toBeGreaterThan(0);
    await clock.advance(0);
    expect(server.calls.map((c) => c.url)).toEqual(['/item?path=%2Fa.jpg', '/item?path=%2Fb.jpg']);
    expect(queue.getSnapshot().status).toBe('saved');
  });

  it('retries network errors and 5xx with backoff, with the same key, and never drops the edit', async () => {
    const { server, queue, clock } = setup();
    server.seed('/a.jpg');
    server.failures.push('network', 503, 'network');
    queue.start();
    queue.edit(['/a.jpg'], { set_star: 5 });
    await clock.advance(0);
    expect(queue.getSnapshot()).toMatchObject({ status: 'retrying', pending: 1 });
    expect(queue.getSnapshot().items.get('/a.jpg')?.status).toBe('retrying');
    await clock.advance(1000); // backoff 1 s
    expect(server.calls).toHaveLength(2);
    await clock.advance(2000); // then 2 s
    expect(server.calls).toHaveLength(3);
    await clock.advance(4000); // then 4 s
    expect(server.calls).toHaveLength(4);
    expect(new Set(server.calls.map((c) => c.headers['Idempotency-Key']))).toEqual(new Set(['client-abc:1']));
    expect(server.items.get('/a.jpg')?.star).toBe(5);
    expect(server.applied).toBe(1);
    expect(queue.getSnapshot().status).toBe('saved');
  });

  it('retries a 503 indexing when Retry-After says, under the same key, without a growing backoff', async () => {
    const { server, queue, clock } = setup();
    server.seed('/a.jpg');
    const indexing = { status: 503, headers: { 'Retry-After': '1' }, body: { error: { code: 'indexing', message: 'the index is still being built' } } };
    server.failures.push(indexing, indexing, indexing, indexing);
    queue.start();
    queue.edit(['/a.jpg'], { set_star: 5 });
    await clock.advance(0);
    expect(queue.getSnapshot().items.get('/a.jpg')?.status).toBe('retrying');
    for (let call = 2; call <= 5; call++) {
      await clock.advance(999);
      expect(server.calls).toHaveLength(call - 1);
      await clock.advance(1);
      expect(server.calls).toHaveLength(call);
    }
    expect(new Set(server.calls.map((c) => c.headers['Idempotency-Key']))).toEqual(new Set(['client-abc:1']));
    expect(server.items.get('/a.jpg')?.star).toBe(5);
    expect(queue.getSnapshot().status).toBe('saved');
  });

  it('sends edits parked as missing again when asked (indexing finished), and they land', async () => {
    const { server, queue, clock, load, missing } = setup();
    for (const p of ['/late.jpg', '/late-too.jpg', '/gone.jpg']) {
      server.seed(p);
      load(p);
    }
    // A server still indexing that (wrongly) said 404: what an older server did after a restart.
    const saved = new Map([...server.items]);
    server.items.clear();
    queue.start();
    queue.edit(['/late.jpg'], { set_star: 4 });
    queue.edit(['/late-too.jpg', '/gone.jpg'], { add_tags: ['x'] });
    await clock.advance(0);
    expect(missing.sort()).toEqual(['/gone.jpg', '/late-too.jpg', '/late.jpg']);
    expect(queue.getSnapshot().failed).toBe(3);
    server.items.set('/late.jpg', saved.get('/late.jpg')!);
    server.items.set('/late-too.jpg', saved.get('/late-too.jpg')!);
    queue.retryMissing();
    await clock.advance(0);
    expect(server.items.get('/late.jpg')?.star).toBe(4);
    expect(server.items.get('/late-too.jpg')?.tags).toEqual(['x']);
    const snap = queue.getSnapshot();
    expect(snap.items.get('/late.jpg')?.status).toBe('saved');
    expect(snap.items.get('/gone.jpg')?.status).toBe('missing');
    expect(snap.failed).toBe(1);
  });

  it('applies an edit exactly once when the response was lost after the server applied it', async () => {
    const server = new FakeLabelServer();
    server.seed('/a.jpg');
    let drop = true;
    const { queue, clock } = setup({
      server,
      fetch: async (u, i) => {
        const res = await server.fetch(u, i);
        if (drop) {
          drop = false;
          throw new TypeError('connection reset');
        }
        return res;
      },
    });
    queue.start();
    queue.edit(['/a.jpg'], { add_tags: ['x'] });
    await clock.advance(5000);
    expect(server.calls).toHaveLength(2);
    expect(server.applied).toBe(1);
    expect(server.items.get('/a.jpg')).toMatchObject({ version: 2, tags: ['x'] });
    expect(queue.getSnapshot().status).toBe('saved');
  });

  it('pauses on 429 for Retry-After, then resends under a new key', async () => {
    const { server, queue, clock } = setup();
    server.seed('/a.jpg');
    server.failures.push({ status: 429, headers: { 'Retry-After': '7' }, body: { error: { code: 'rate_limited', message: 'slow' } } });
    queue.start();
    queue.edit(['/a.jpg'], { set_star: 2 });
    await clock.advance(0);
    expect(queue.getSnapshot().status).toBe('paused');
    await clock.advance(6900);
    expect(server.calls).toHaveLength(1);
    await clock.advance(200);
    expect(server.calls).toHaveLength(2);
    expect(server.calls[1]!.headers['Idempotency-Key']).not.toBe(server.calls[0]!.headers['Idempotency-Key']);
    expect(queue.getSnapshot().status).toBe('saved');
  });

  it('rebases a star onto someone else’s unrelated change by itself', async () => {
    const { server, queue, clock, display, load } = setup();
    server.seed('/a.jpg');
    load('/a.jpg');
    server.remote('/a.jpg', { set_notes: 'theirs' });
    queue.start();
    queue.edit(['/a.jpg'], { set_star: 3 }); // base is still version 1 in the cache
    await clock.advance(0);
    expect(server.calls.map((c) => c.body)).toEqual([
      { base_version: 1, set_star: 3 },
      { base_version: 2, set_star: 3 },
    ]);
    expect(server.items.get('/a.jpg')).toMatchObject({ star: 3, notes: 'theirs', version: 3 });
    expect(queue.getSnapshot()).toMatchObject({ status: 'saved', conflicts: 0 });
    expect(display('/a.jpg')).toMatchObject({ star: 3, notes: 'theirs' });
  });

  it('asks about overlapping notes, keeps the conflict through unrelated events, and applies mine again', async () => {
    const { server, queue, clock, display, load } = setup();
    server.seed('/a.jpg');
    server.seed('/b.jpg');
    queue.start();
    load('/a.jpg');
    server.remote('/a.jpg', { set_notes: 'theirs' });
    queue.edit(['/a.jpg'], { set_notes: 'mine', set_star: 2 });
    await clock.advance(0);
    const snap = queue.getSnapshot();
    expect(snap.conflicts).toBe(1);
    expect(snap.status).toBe('conflict');
    expect(snap.items.get('/a.jpg')).toMatchObject({ status: 'conflict', fields: ['notes'], mine: { set_notes: 'mine' } });
    // The star did not overlap and went out on its own.
    expect(server.items.get('/a.jpg')).toMatchObject({ star: 2, notes: 'theirs' });
    // My text stays on screen while the conflict is open.
    expect(display('/a.jpg').notes).toBe('mine');
    // Unrelated events (another item, a newer state that still differs) don't clear it.
    queue.observeServerState('/b.jpg', { version: 9, star: 1, flag: null, tags: [], notes: '' });
    queue.observeServerState('/a.jpg', server.remote('/a.jpg', { add_tags: ['z'] }));
    await clock.advance(10_000);
    expect(queue.getSnapshot().items.get('/a.jpg')?.status).toBe('conflict');
    queue.applyMine('/a.jpg');
    await clock.advance(0);
    expect(server.items.get('/a.jpg')).toMatchObject({ notes: 'mine', star: 2, tags: ['z'] });
    expect(queue.getSnapshot()).toMatchObject({ status: 'saved', conflicts: 0 });
  });

  it('keeps theirs: drops my conflicting part and shows their state', async () => {
    const { server, queue, clock, display, load } = setup();
    server.seed('/a.jpg', { notes: 'old' });
    load('/a.jpg');
    queue.start();
    server.remote('/a.jpg', { set_notes: 'theirs' });
    queue.edit(['/a.jpg'], { set_notes: 'mine' });
    await clock.advance(0);
    expect(queue.getSnapshot().items.get('/a.jpg')?.status).toBe('conflict');
    queue.keepTheirs('/a.jpg');
    expect(display('/a.jpg').notes).toBe('theirs');
    expect(queue.getSnapshot()).toMatchObject({ status: 'saved', conflicts: 0 });
    expect(server.calls).toHaveLength(1);
  });

  it('clears a conflict when the server comes to show exactly my change', async () => {
    const { server, queue, clock, load } = setup();
    server.seed('/a.jpg');
    load('/a.jpg');
    queue.start();
    server.remote('/a.jpg', { set_notes: 'theirs' });
    queue.edit(['/a.jpg'], { set_notes: 'mine' });
    await clock.advance(0);
    queue.observeServerState('/a.jpg', server.remote('/a.jpg', { set_notes: 'mine' }));
    expect(queue.getSnapshot().conflicts).toBe(0);
  });

  it('marks 400 invalid and 404 missing, keeps them until discarded, and does not retry them', async () => {
    const { server, queue, clock, display, load } = setup();
    server.seed('/a.jpg');
    server.seed('/gone.jpg');
    server.failures.push({ status: 400, body: { error: { code: 'invalid_body', message: 'Notes too long' } } });
    queue.start();
    queue.edit(['/a.jpg'], { set_notes: 'x' });
    await clock.advance(0);
    load('/gone.jpg');
    server.items.delete('/gone.jpg');
    queue.edit(['/gone.jpg'], { set_star: 1 });
    await clock.advance(60_000);
    const snap = queue.getSnapshot();
    expect(snap.items.get('/a.jpg')).toMatchObject({ status: 'invalid', message: 'Notes too long' });
    expect(snap.items.get('/gone.jpg')?.status).toBe('missing');
    expect(snap.status).toBe('error');
    expect(display('/a.jpg').notes).toBe('x'); // the local edit is kept
    expect(server.calls).toHaveLength(2);
    queue.discard('/a.jpg');
    queue.discard('/gone.jpg');
    expect(queue.getSnapshot()).toMatchObject({ status: 'saved', failed: 0 });
  });

  it('reports a 404 once per missing item, single or in a batch, so it can leave the selection', async () => {
    const { server, queue, clock, load, missing } = setup();
    for (const p of ['/a.jpg', '/gone.jpg', '/gone-too.jpg']) {
      server.seed(p);
      load(p);
    }
    server.items.delete('/gone.jpg');
    server.items.delete('/gone-too.jpg');
    queue.start();
    queue.edit(['/gone.jpg'], { set_star: 2 });
    await clock.advance(0);
    expect(missing).toEqual(['/gone.jpg']);
    queue.edit(['/a.jpg', '/gone-too.jpg'], { set_star: 3 });
    await clock.advance(60_000);
    expect(missing).toEqual(['/gone.jpg', '/gone-too.jpg']);
    expect(server.items.get('/a.jpg')?.star).toBe(3);
    expect(queue.getSnapshot().items.get('/gone-too.jpg')?.status).toBe('missing');
  });

  it('stops on 401/403, refuses new edits, and resumes on retry', async () => {
    const { server, queue, clock } = setup();
    server.seed('/a.jpg');
    server.failures.push({ status: 403, body: { error: { code: 'read_only', message: 'Permission denied' } } });
    queue.start();
    queue.edit(['/a.jpg'], { set_star: 1 });
    await clock.advance(0);
    expect(queue.getSnapshot()).toMatchObject({ status: 'denied', pending: 1 });
    expect(queue.edit(['/a.jpg'], { set_star: 2 })).toBe(false);
    await clock.advance(60_000);
    expect(server.calls).toHaveLength(1);
    queue.retryNow();
    await clock.advance(0);
    expect(server.items.get('/a.jpg')?.star).toBe(1);
  });

  it('on 401 keeps every queued edit, sends nothing more, and after sign-in resends them under the same keys', async () => {
    const signOuts: number[] = [];
    const { server, queue, clock, store, display } = setup();
    server.seed('/a.jpg');
    server.seed('/b.jpg');
    const unauthenticated = { status: 401, body: { error: { code: 'unauthenticated', message: 'sign in' } } };
    server.failures.push(unauthenticated);
    queue.subscribe(() => queue.isSignedOut && signOuts.push(1));
    queue.start();
    queue.edit(['/a.jpg'], { set_star: 5 });
    await clock.advance(0);
    expect(queue.getSnapshot()).toMatchObject({ status: 'signed-out', pending: 1 });
    const firstKey = server.calls[0]!.headers['Idempotency-Key'];
    // Signed out, edits are still taken (they go out after sign-in) and nothing is sent meanwhile.
    expect(queue.edit(['/b.jpg'], { add_tags: ['cat'] })).toBe(true);
    await clock.advance(120_000);
    expect(server.calls).toHaveLength(1);
    expect(display('/a.jpg').star).toBe(5);
    // A reload while signed out keeps them too.
    expect(store.getItem('lenslet.queue.tab1')).toContain('cat');
    queue.resume();
    await clock.advance(0);
    expect(server.calls.map((c) => c.headers['Idempotency-Key'])).toContain(firstKey);
    expect(server.calls.filter((c) => c.headers['Idempotency-Key'] === firstKey)).toHaveLength(2);
    expect(server.items.get('/a.jpg')).toMatchObject({ star: 5, version: 2 });
    expect(server.items.get('/b.jpg')).toMatchObject({ tags: ['cat'], version: 2 });
    expect(server.applied).toBe(2);
    expect(queue.getSnapshot()).toMatchObject({ status: 'saved', pending: 0 });
  });

  it('tells onUnauthenticated once when writes in flight together all come back 401', async () => {
    let told = 0;
    const server = new FakeLabelServer();
    const clock = new FakeClock();
    const queue = new WriteQueue({
      fetch: server.fetch,
      storage: storage(),
      clock,
      clientId: 'c',
      tabId: 't',
      getUser: () => '',
      getBase: (p) => server.items.get(p) ?? null,
      onUnauthenticated: () => told++,
    });
    for (const p of ['/a.jpg', '/b.jpg', '/c.jpg']) server.seed(p);
    for (let i = 0; i < 3; i++) server.failures.push({ status: 401, body: { error: { code: 'unauthenticated', message: 'x' } } });
    queue.start();
    for (const p of ['/a.jpg', '/b.jpg', '/c.jpg']) queue.edit([p], { set_star: 2 });
    await clock.advance(0);
    expect(server.calls).toHaveLength(3);
    expect(told).toBe(1);
    expect(queue.getSnapshot().pending).toBe(3);
  });

  it('on 403 says "Permission denied", keeps the edit and turns editing off', async () => {
    const { server, queue, clock, display } = setup();
    server.seed('/a.jpg');
    server.failures.push({ status: 403, body: { error: { code: 'forbidden', message: 'Permission denied' } } });
    queue.start();
    queue.edit(['/a.jpg'], { set_star: 3 });
    await clock.advance(0);
    expect(queue.getSnapshot()).toMatchObject({ status: 'denied', message: 'Permission denied', pending: 1 });
    expect(queue.getSnapshot().items.get('/a.jpg')?.status).toBe('saving');
    expect(display('/a.jpg').star).toBe(3);
    expect(queue.edit(['/a.jpg'], { add_tags: ['x'] })).toBe(false);
    await clock.advance(120_000);
    expect(server.calls).toHaveLength(1);
  });

  it('edits several items through one batch request and resolves each item on its own', async () => {
    const { server, queue, clock, load } = setup();
    server.seed('/a.jpg');
    server.seed('/b.jpg', { notes: 'n' });
    server.seed('/c.jpg');
    ['/a.jpg', '/b.jpg', '/c.jpg'].forEach(load);
    queue.start();
    server.remote('/b.jpg', { set_star: 5 }); // a conflicting star on b
    queue.edit(['/a.jpg', '/b.jpg', '/c.jpg'], { set_star: 3, add_tags: ['batch'] });
    await clock.advance(0);
    expect(server.calls[0]!.url).toBe('/items');
    expect(server.calls[0]!.body).toEqual([
      { path: '/a.jpg', base_version: 1, set_star: 3, add_tags: ['batch'] },
      { path: '/b.jpg', base_version: 1, set_star: 3, add_tags: ['batch'] },
      { path: '/c.jpg', base_version: 1, set_star: 3, add_tags: ['batch'] },
    ]);
    expect(server.items.get('/a.jpg')).toMatchObject({ star: 3, tags: ['batch'] });
    expect(server.items.get('/c.jpg')).toMatchObject({ star: 3, tags: ['batch'] });
    // b: the tag merged by itself, the star overlapped someone's 5 and waits for the user.
    expect(server.items.get('/b.jpg')).toMatchObject({ star: 5, tags: ['batch'] });
    expect(queue.getSnapshot().items.get('/b.jpg')).toMatchObject({ status: 'conflict', fields: ['star'] });
  });

  it('survives a reload: the queued edit is resent later with the same key', async () => {
    const store = storage();
    const server = new FakeLabelServer();
    server.seed('/a.jpg');
    const first = setup({ server, store });
    server.failures.push('network');
    first.queue.start();
    first.queue.edit(['/a.jpg'], { set_notes: 'typed before reload' });
    await first.clock.advance(0);
    first.queue.markClosed();
    first.queue.stop();
    const second = setup({ server, store });
    expect(second.queue.getSnapshot().pending).toBe(1);
    second.queue.start();
    await second.clock.advance(0);
    expect(server.calls.map((c) => c.headers['Idempotency-Key'])).toEqual(['client-abc:1', 'client-abc:1']);
    expect(server.items.get('/a.jpg')?.notes).toBe('typed before reload');
    expect(store.getItem('lenslet.queue.tab1')).toBeNull();
  });

  it('adopts the queue of a tab that closed, but not of a live one', async () => {
    const store = storage();
    const server = new FakeLabelServer();
    server.seed('/a.jpg');
    const clock = new FakeClock();
    const closed = setup({ server, store, clock, tab: 'old' });
    server.failures.push('network');
    closed.queue.start();
    closed.queue.edit(['/a.jpg'], { set_star: 4 });
    await clock.advance(0);
    closed.queue.stop(); // crashed: no pagehide, its alive mark goes stale
    const live = setup({ server, store, clock, tab: 'new' });
    live.queue.start();
    await clock.advance(0);
    expect(server.items.get('/a.jpg')?.star).toBeNull();
    await clock.advance(ORPHAN_AFTER_MS);
    expect(server.items.get('/a.jpg')?.star).toBe(4);
    expect(store.getItem('lenslet.queue.old')).toBeNull();
  });

  it('recognizes its own write whose answer was lost', async () => {
    const server = new FakeLabelServer();
    server.seed('/a.jpg');
    let lose = true;
    const { queue, clock } = setup({
      server,
      fetch: async (u, i) => {
        const res = await server.fetch(u, i);
        if (lose) throw new TypeError('reset');
        return res;
      },
    });
    queue.start();
    queue.edit(['/a.jpg'], { set_star: 2 });
    await clock.advance(0);
    const applied = server.items.get('/a.jpg')!;
    expect(queue.mayBeOwn('/a.jpg', applied)).toBe(true);
    expect(queue.mayBeOwn('/a.jpg', { ...applied, star: 3, flag: null })).toBe(false);
    lose = false;
    await clock.advance(2_000);
    expect(queue.isOwnVersion('/a.jpg', applied.version)).toBe(true);
    expect(queue.mayBeOwn('/a.jpg', applied)).toBe(false);
  });

  it('tells its own writes apart and waits for in-flight ones', async () => {
    const { server, queue, clock } = setup();
    server.seed('/a.jpg');
    queue.start();
    queue.edit(['/a.jpg'], { set_star: 1 });
    expect(queue.isInFlight('/a.jpg')).toBe(true);
    let settled = false;
    void queue.settled('/a.jpg').then(() => (settled = true));
    await clock.advance(0);
    expect(settled).toBe(true);
    expect(queue.isOwnVersion('/a.jpg', 2)).toBe(true);
    expect(queue.isOwnVersion('/a.jpg', 3)).toBe(false);
  });
});
