import { describe, expect, it } from 'vitest';
import type { CachedLabels } from './cache-patch.js';
import type { EventSourceLike } from './event-stream.js';
import { SyncEngine, type SyncEngineDeps } from './sync-engine.js';
import { FakeClock, FakeLabelServer, flush, response, storage } from './testing/fakes.js';

function setup(extra: Partial<SyncEngineDeps> = {}) {
  const server = new FakeLabelServer();
  server.seed('/a.jpg');
  const clock = new FakeClock();
  const cache = new Map<string, CachedLabels>([['/a.jpg', { version: 1, star: null, flag: null, tags: [], notes: '' }]]);
  const posts: Array<[string, unknown]> = [];
  const pulses: string[] = [];
  const remote: string[] = [];
  let resolveWrite: (() => void) | null = null;
  let holdWrites = false;
  const engine = new SyncEngine({
    fetch: async (url, init) => {
      if (url.startsWith('/presence')) {
        posts.push([url, JSON.parse(init.body)]);
        return response(200, { gallery_id: '/', viewers: 1, editors: 0, updated_at: 'x' });
      }
      if (holdWrites) await new Promise<void>((r) => (resolveWrite = r));
      return server.fetch(url, init);
    },
    storage: storage(),
    session: storage(),
    clock,
    makeId: () => 'id-0123456789abcdef',
    createEventSource: () => ({ readyState: 0, onopen: null, onerror: null, addEventListener: () => {}, close: () => {} }) satisfies EventSourceLike,
    beacon: () => true,
    cache: {
      read: (p) => cache.get(p) ?? null,
      patch: (p, partial) => void cache.set(p, { ...cache.get(p)!, ...partial }),
    },
    refetchAll: () => {},
    pollVisible: () => {},
    paintPulse: (p) => pulses.push(p),
    onRemoteChange: (p) => remote.push(p),
    random: () => 0.5,
    ...extra,
  });
  return { engine, server, clock, cache, posts, pulses, remote, hold: () => (holdWrites = true), release: () => resolveWrite?.() };
}

const updated = (version: number, by: string, over: Partial<CachedLabels> = {}) => ({
  type: 'item-updated' as const,
  data: { path: '/a.jpg', version, tags: [], notes: '', star: null, flag: null, updated_at: 't', updated_by: by, ...over },
});

describe('sync engine', () => {
  it('shows an edit at once, saves it, and does not count its own event as someone else’s', async () => {
    const { engine, server, clock, cache, hold, release, pulses, remote } = setup();
    engine.start();
    hold();
    engine.edit(['/a.jpg'], { set_star: 4 });
    expect(cache.get('/a.jpg')?.star).toBe(4); // optimistic
    await flush();
    // The server applied it and its event arrives before the HTTP answer.
    engine.handle(updated(2, 'Ada', { star: 4, flag: null }));
    await clock.advance(0);
    release();
    await clock.advance(0);
    expect(server.items.get('/a.jpg')?.star).toBe(4);
    expect(engine.getState().activity.count).toBe(0);
    expect(engine.isPulsing('/a.jpg')).toBe(false);
    expect(pulses).toEqual([]);
    expect(remote).toEqual([]);
  });

  it('patches a remote change in place, pulses the cell and names who did it', async () => {
    const { engine, cache, clock, pulses, remote } = setup();
    engine.start();
    engine.handle(updated(2, 'Bob', { tags: ['cat'] }));
    await clock.advance(0);
    expect(pulses).toEqual(['/a.jpg']);
    expect(remote).toEqual(['/a.jpg']);
    expect(cache.get('/a.jpg')).toMatchObject({ version: 2, tags: ['cat'] });
    expect(engine.isPulsing('/a.jpg')).toBe(true);
    expect(engine.getState().activity.message).toBe('Bob updated items in the last 30s');
    await clock.advance(2_000);
    expect(engine.isPulsing('/a.jpg')).toBe(false);
    await clock.advance(30_000);
    expect(engine.getState().activity.message).toBeNull();
  });

  it('applies a burst of events as one batch and updates the banner once', async () => {
    const { engine, cache, clock } = setup();
    for (let i = 2; i <= 40; i++) cache.set(`/b${i}.jpg`, { version: 1, star: null, flag: null, tags: [], notes: '' });
    let emits = 0;
    engine.subscribe(() => emits++);
    for (let i = 2; i <= 40; i++) engine.handle({ ...updated(2, 'Bob', { star: 3, flag: null }), data: { ...updated(2, 'Bob', { star: 3, flag: null }).data, path: `/b${i}.jpg` } });
    expect(cache.get('/b2.jpg')?.star).toBeNull();
    await clock.advance(0);
    expect(cache.get('/b40.jpg')?.star).toBe(3);
    expect(emits).toBe(1);
    expect(engine.getState().activity.count).toBe(39);
  });

  it('counts presence for the current folder only and reports editing while edits are pending', async () => {
    const { engine, posts } = setup();
    engine.start();
    engine.setGallery('/');
    await flush();
    expect(engine.getState().presence).toMatchObject({ viewers: 1 });
    engine.handle({ type: 'presence', data: { gallery_id: '/other', viewers: 9, editors: 9, updated_at: 'x' } });
    expect(engine.getState().presence?.viewers).toBe(1);
    engine.edit(['/a.jpg'], { set_notes: 'n' });
    await flush();
    expect(posts.map(([, b]) => (b as { status: string }).status)).toEqual(['viewing', 'editing']);
    expect((posts[0]![1] as { client_id: string }).client_id).toMatch(/^id-0123456789abcdef\./);
  });

  it('shows metrics progress and clears it when done', async () => {
    const { engine, clock } = setup();
    engine.handle({ type: 'metrics-progress', data: { gallery_id: '/', percent: 41.6, message: 'Computing metrics…' } });
    expect(engine.getState().progress).toEqual({ percent: 42, message: 'Computing metrics…' });
    engine.handle({ type: 'metrics-progress', data: { gallery_id: '/', percent: 100, message: 'done' } });
    await clock.advance(2_000);
    expect(engine.getState().progress).toBeNull();
  });

  it('tells onItemMissing listeners when an edit comes back 404, until they unsubscribe', async () => {
    const { engine, server, clock } = setup();
    const gone: string[] = [];
    const off = engine.onItemMissing((p) => gone.push(p));
    engine.start();
    server.items.delete('/a.jpg');
    engine.edit(['/a.jpg'], { set_star: 2 });
    await clock.advance(0);
    expect(gone).toEqual(['/a.jpg']);
    expect(engine.queue.getSnapshot().items.get('/a.jpg')?.status).toBe('missing');
    off();
    engine.queue.discard('/a.jpg');
    engine.edit(['/a.jpg'], { set_star: 3 });
    await clock.advance(60_000);
    expect(gone).toEqual(['/a.jpg']);
  });

  it('tells onEdit listeners about my own queued edits only', async () => {
    const { engine, clock } = setup();
    const edits: string[][] = [];
    engine.onEdit((paths) => edits.push([...paths]));
    engine.start();
    engine.edit(['/a.jpg'], { set_star: 3 });
    engine.edit(['/a.jpg'], {}); // nothing to send
    engine.handle(updated(5, 'Bob', { star: 1, flag: null })); // someone else's
    await clock.advance(0);
    expect(edits).toEqual([['/a.jpg']]);
  });

  it('remembers the display name and sends it with writes', async () => {
    const { engine, server, clock } = setup();
    engine.start();
    engine.setDisplayName('  Grace  Hopper ');
    expect(engine.getState().displayName).toBe('Grace Hopper');
    engine.edit(['/a.jpg'], { add_tags: ['x'] });
    await clock.advance(0);
    expect(server.calls[0]!.headers['X-Lenslet-User']).toBe('Grace Hopper');
  });

  it('when the stream fails and the session is gone: signed out, stream closed; after sign-in it reopens and the queue goes out', async () => {
    const opened: Array<EventSourceLike & { closed: boolean }> = [];
    let signedIn = true;
    const { engine, server, clock } = setup({
      createEventSource: () => {
        const es = {
          readyState: 0,
          onopen: null,
          onerror: null,
          closed: false,
          addEventListener: () => {},
          close: () => {
            es.closed = true;
          },
        };
        opened.push(es);
        return es;
      },
      checkSession: async () => signedIn,
    });
    engine.start();
    opened[0]!.onopen?.(new Event('open'));
    // A network blip while still signed in: reconnects as usual.
    opened[0]!.onerror?.(new Event('error'));
    await clock.advance(60_000);
    expect(engine.getState().signedOut).toBe(false);
    const before = opened.length;
    expect(before).toBeGreaterThan(1);
    // The session ends (user removed, signed out elsewhere): the reopened stream is refused.
    signedIn = false;
    opened.at(-1)!.onerror?.(new Event('error'));
    await clock.advance(60_000);
    expect(engine.getState().signedOut).toBe(true);
    expect(engine.queue.getSnapshot().status).toBe('saved');
    expect(opened.length).toBe(before); // no reconnect attempts while signed out
    engine.edit(['/a.jpg'], { set_star: 2 });
    await clock.advance(0);
    expect(server.calls).toHaveLength(0);
    expect(engine.queue.getSnapshot().status).toBe('signed-out');
    signedIn = true;
    engine.signedIn();
    await clock.advance(0);
    expect(engine.getState().signedOut).toBe(false);
    expect(opened.length).toBe(before + 1);
    expect(server.items.get('/a.jpg')?.star).toBe(2);
  });

  it('a write answered 401 signs the engine out until signedIn()', async () => {
    const { engine, server, clock } = setup();
    server.failures.push({ status: 401, body: { error: { code: 'unauthenticated', message: 'x' } } });
    engine.start();
    engine.edit(['/a.jpg'], { add_tags: ['dog'] });
    await clock.advance(0);
    expect(engine.getState().signedOut).toBe(true);
    engine.signedIn();
    await clock.advance(0);
    const keys = server.calls.map((c) => c.headers['Idempotency-Key']);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(server.items.get('/a.jpg')?.tags).toEqual(['dog']);
  });
});
