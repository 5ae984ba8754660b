import { describe, expect, it } from 'vitest';
import type { CachedLabels } from './cache-patch.js';
import type { KeyValueStorage } from './client-identity.js';
import type { EventSourceLike } from './event-stream.js';
import { SyncEngine } from './sync-engine.js';
import { FakeClock, FakeLabelServer, response, storage } from './testing/fakes.js';

interface World {
  server: FakeLabelServer;
  clock: FakeClock;
  local: KeyValueStorage;
  session: KeyValueStorage;
}

function world(paths: string[]): World {
  const server = new FakeLabelServer();
  for (const p of paths) server.seed(p);
  return { server, clock: new FakeClock(), local: storage(), session: storage() };
}

/** A page of the app: its own cache over the shared server (a reload is a new page on the same storage). */
function page(w: World, cached: string[]) {
  const cache = new Map<string, CachedLabels>();
  for (const p of cached) cache.set(p, { ...w.server.items.get(p)! });
  const engine = new SyncEngine({
    fetch: async (url, init) => (url.startsWith('/presence') ? response(200, { gallery_id: '/', viewers: 1, editors: 0, updated_at: 'x' }) : w.server.fetch(url, init)),
    storage: w.local,
    session: w.session,
    clock: w.clock,
    makeId: () => 'id-0123456789abcdef',
    createEventSource: () => ({ readyState: 0, onopen: null, onerror: null, addEventListener: () => {}, close: () => {} }) satisfies EventSourceLike,
    beacon: () => true,
    cache: { read: (p) => cache.get(p) ?? null, patch: (p, partial) => void (cache.has(p) && cache.set(p, { ...cache.get(p)!, ...partial })) },
    refetchAll: () => {},
    pollVisible: () => {},
    readItem: async (p) => w.server.items.get(p) ?? null,
    random: () => 0.5,
  });
  engine.start();
  return { engine, cache };
}

const patches = (w: World) => w.server.calls.filter((c) => !c.url.startsWith('/presence'));
const remoteEvent = (path: string, state: object) => ({ type: 'item-updated' as const, data: { path, updated_at: 't', updated_by: 'Bob', ...state } as never });

describe('undo and redo through the write queue', () => {
  it('[UN13] a batch rating of 300 items undoes in one step: one PATCH /items with each item’s base version, key and own previous star', async () => {
    const paths = Array.from({ length: 300 }, (_, i) => `/p${i}.jpg`);
    const w = world(paths);
    const starOf = (i: number) => (i % 3 === 0 ? null : (i % 4) + 1);
    for (const [i, p] of paths.entries()) w.server.seed(p, { star: starOf(i), version: 3 });
    const { engine } = page(w, paths);
    engine.edit(paths, { set_star: 5 });
    await w.clock.advance(0);
    expect(paths.every((p) => w.server.items.get(p)!.star === 5)).toBe(true);
    const before = patches(w).length;

    expect(await engine.undo.undo()).toMatchObject({ sent: 300, conflicts: 0 });
    await w.clock.advance(0);
    const sent = patches(w).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('/items');
    expect(sent[0]!.headers['Idempotency-Key']).toMatch(/^id-0123456789abcdef:\d+$/);
    const body = sent[0]!.body as Array<{ path: string; base_version: number; set_star: number | null }>;
    expect(body).toHaveLength(300);
    expect(body.every((b) => b.base_version === 4)).toBe(true);
    expect(paths.map((p) => w.server.items.get(p))).toEqual(paths.map((_, i) => expect.objectContaining({ star: starOf(i), version: 5 })));
    expect(engine.undoStack.getSnapshot()).toMatchObject({ canUndo: false, canRedo: true, redoCount: 300 });

    await engine.undo.redo();
    await w.clock.advance(0);
    expect(patches(w).slice(before)).toHaveLength(2);
    expect(paths.every((p) => w.server.items.get(p)!.star === 5)).toBe(true);
  });

  it('[UN14] an undo of a field someone else changed since (seen live) is not sent: "Newer change detected", and both choices work', async () => {
    const w = world(['/a.jpg', '/b.jpg']);
    const { engine, cache } = page(w, ['/a.jpg', '/b.jpg']);
    engine.edit(['/a.jpg', '/b.jpg'], { set_star: 3, set_notes: 'mine' });
    await w.clock.advance(0);
    // Bob re-rates /a.jpg afterwards; his event reaches this page.
    const theirs = w.server.remote('/a.jpg', { set_star: 1 });
    engine.handle(remoteEvent('/a.jpg', theirs));
    await w.clock.advance(0);
    const before = patches(w).length;

    expect(await engine.undo.undo()).toMatchObject({ sent: 2, conflicts: 1 });
    await w.clock.advance(0);
    // /b.jpg is undone whole; /a.jpg only in the field Bob left alone.
    expect(w.server.items.get('/b.jpg')).toMatchObject({ star: null, notes: '' });
    expect(w.server.items.get('/a.jpg')).toMatchObject({ star: 1, notes: '' });
    const sentForA = patches(w)
      .slice(before)
      .flatMap((c) => (Array.isArray(c.body) ? c.body : [{ path: c.url.includes('a.jpg') ? '/a.jpg' : '', ...(c.body as object) }]))
      .filter((b) => b.path === '/a.jpg');
    expect(sentForA).toEqual([expect.objectContaining({ set_notes: '' })]);
    expect(sentForA[0]).not.toHaveProperty('set_star');
    const state = engine.queue.getSnapshot().items.get('/a.jpg');
    expect(state).toMatchObject({ status: 'conflict', fields: ['star'], current: { star: 1 }, mine: { set_star: null } });
    expect(engine.queue.getSnapshot().status).toBe('conflict');

    engine.queue.keepTheirs('/a.jpg');
    await w.clock.advance(0);
    expect(engine.queue.getSnapshot().items.get('/a.jpg')?.status).not.toBe('conflict');
    expect(w.server.items.get('/a.jpg')!.star).toBe(1);
    expect(cache.get('/a.jpg')!.star).toBe(1);

    // Redo, then undo again over another change of Bob's: this time "Apply my changes again".
    await engine.undo.redo();
    await w.clock.advance(0);
    expect(w.server.items.get('/a.jpg')).toMatchObject({ star: 1, notes: 'mine' });
    expect(engine.queue.getSnapshot().items.get('/a.jpg')).toMatchObject({ status: 'conflict', fields: ['star'] });
    engine.queue.applyMine('/a.jpg');
    await w.clock.advance(0);
    expect(w.server.items.get('/a.jpg')).toMatchObject({ star: 3, notes: 'mine' });
  });

  it('[UN15] an undo whose other change has not arrived yet is refused by the server (409) and meets the same rule', async () => {
    const w = world(['/a.jpg']);
    const { engine } = page(w, ['/a.jpg']);
    engine.edit(['/a.jpg'], { set_flag: 'pick', add_tags: ['cat'] });
    await w.clock.advance(0);
    w.server.remote('/a.jpg', { set_flag: 'reject', add_tags: ['dog'] }); // no event seen yet
    expect(await engine.undo.undo()).toMatchObject({ sent: 1, conflicts: 0 });
    await w.clock.advance(0);
    expect(w.server.items.get('/a.jpg')).toMatchObject({ flag: 'reject', tags: ['dog'] });
    expect(engine.queue.getSnapshot().items.get('/a.jpg')).toMatchObject({ status: 'conflict', fields: ['flag'], mine: { set_flag: null } });
  });

  it('[UN16] the stack survives a reload of the tab, and undoes items the reloaded page has not loaded', async () => {
    const w = world(['/a.jpg', '/far/b.jpg']);
    const first = page(w, ['/a.jpg', '/far/b.jpg']);
    first.engine.edit(['/a.jpg', '/far/b.jpg'], { set_star: 4 });
    await w.clock.advance(0);
    first.engine.pageHide();
    first.engine.stop();

    const reloaded = page(w, ['/a.jpg']);
    expect(reloaded.engine.undoStack.getSnapshot()).toMatchObject({ canUndo: true, undoCount: 2 });
    expect(await reloaded.engine.undo.undo()).toMatchObject({ sent: 2 });
    await w.clock.advance(0);
    expect(w.server.items.get('/a.jpg')!.star).toBeNull();
    expect(w.server.items.get('/far/b.jpg')!.star).toBeNull();
    // Another tab (its own session storage) has its own, empty stack.
    const other = page({ ...w, session: storage() }, ['/a.jpg']);
    expect(other.engine.undoStack.getSnapshot().canUndo).toBe(false);
  });

  it('[UN17] "Restore this version" writes that version’s labels as a new version, and is itself one undo step', async () => {
    const w = world(['/a.jpg']);
    w.server.seed('/a.jpg', { version: 7, star: 1, flag: 'reject', tags: ['oops'], notes: 'bad' });
    const { engine, cache } = page(w, ['/a.jpg']);
    expect(engine.undo.restore('/a.jpg', { star: 4, flag: null, tags: ['keep', 'sky'], notes: 'good' })).toBe(true);
    expect(cache.get('/a.jpg')).toMatchObject({ star: 4, flag: null, tags: ['keep', 'sky'], notes: 'good' });
    await w.clock.advance(0);
    expect(w.server.items.get('/a.jpg')).toMatchObject({ version: 8, star: 4, flag: null, tags: ['keep', 'sky'], notes: 'good' });
    expect(patches(w).at(-1)!.body).toMatchObject({ base_version: 7, set_star: 4, set_flag: null, set_tags: ['keep', 'sky'], set_notes: 'good' });
    await engine.undo.undo();
    await w.clock.advance(0);
    expect(w.server.items.get('/a.jpg')).toMatchObject({ version: 9, star: 1, flag: 'reject', notes: 'bad' });
    expect(new Set(w.server.items.get('/a.jpg')!.tags)).toEqual(new Set(['oops']));
  });
});
