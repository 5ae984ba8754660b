import { describe, expect, it } from 'vitest';
import type { LabelState } from './label-ops.js';
import { FakeClock, FakeLabelServer, flush, storage } from './testing/fakes.js';
import { WriteQueue, type FetchLike } from './write-queue.js';

function setup() {
  const server = new FakeLabelServer();
  const clock = new FakeClock();
  const confirmed = new Map<string, LabelState>();
  const missing: string[] = [];
  let hold: Promise<void> | null = null;
  const fetch: FetchLike = async (u, i) => {
    if (hold) await hold;
    return server.fetch(u, i);
  };
  const queue = new WriteQueue({
    fetch,
    storage: storage(),
    clock,
    clientId: 'client-abc',
    tabId: 'tab1',
    getUser: () => 'Ada',
    getBase: (p) => {
      if (!confirmed.has(p) && server.items.has(p)) confirmed.set(p, server.items.get(p)!);
      return confirmed.get(p) ?? null;
    },
    onServerState: (p, s) => {
      const cur = confirmed.get(p);
      if (!cur || s.version >= cur.version) confirmed.set(p, s);
    },
    onMissing: (p) => missing.push(p),
    random: () => 0.5,
  });
  /** The watcher saw the file move: labels and version follow it, version + 1. */
  const move = (from: string, to: string): LabelState => {
    const cur = server.items.get(from)!;
    server.items.delete(from);
    const next = { ...cur, version: cur.version + 1 };
    server.items.set(to, next);
    confirmed.delete(from);
    confirmed.set(to, next);
    return next;
  };
  const paths = () => server.calls.map((c) => decodeURIComponent(c.url.split('path=')[1] ?? ''));
  return { server, clock, queue, missing, move, paths, setHold: (p: Promise<void> | null) => (hold = p) };
}

describe('write queue: items that move', () => {
  it('an edit still queued for the old path goes to the new path, on the moved version, without a 409', async () => {
    const { server, queue, move, paths, missing } = setup();
    server.seed('/a/x.jpg', { star: 2 });
    queue.edit(['/a/x.jpg'], { set_star: 5 }); // queued, not started
    const moved = move('/a/x.jpg', '/b/x.jpg');
    queue.movePath('/a/x.jpg', '/b/x.jpg', moved);
    expect(queue.pendingOps('/b/x.jpg')).toEqual([{ set_star: 5 }]);
    expect(queue.pendingOps('/a/x.jpg')).toEqual([]);
    queue.start();
    await flush();
    expect(paths()).toEqual(['/b/x.jpg']);
    expect(server.calls[0]!.body).toMatchObject({ base_version: 2, set_star: 5 });
    expect(server.items.get('/b/x.jpg')).toMatchObject({ star: 5, version: 3 });
    expect(missing).toEqual([]);
    expect(queue.getSnapshot().pending).toBe(0);
  });

  it('an edit in flight when the file moves is answered 404, then sent again to the new path (not parked as missing)', async () => {
    const { server, queue, move, paths, missing, setHold } = setup();
    server.seed('/a/x.jpg', { star: 2 });
    let release!: () => void;
    setHold(new Promise<void>((r) => (release = r)));
    queue.start();
    queue.edit(['/a/x.jpg'], { add_tags: ['cat'] });
    await flush();
    // The move lands on the server before the PATCH is handled, and its event before the answer.
    const moved = move('/a/x.jpg', '/b/x.jpg');
    queue.movePath('/a/x.jpg', '/b/x.jpg', moved);
    setHold(null);
    release();
    await flush();
    expect(paths()).toEqual(['/a/x.jpg', '/b/x.jpg']);
    expect(server.calls[0]!.headers['Idempotency-Key']).not.toBe(server.calls[1]!.headers['Idempotency-Key']);
    expect(server.items.get('/b/x.jpg')).toMatchObject({ tags: ['cat'], version: 3 });
    expect(missing).toEqual([]);
    expect(queue.getSnapshot().failed).toBe(0);
  });

  it('an edit parked as missing before the move event arrived is sent to the new path', async () => {
    const { server, queue, paths, missing } = setup();
    server.seed('/a/x.jpg');
    const cur = server.items.get('/a/x.jpg')!;
    queue.edit(['/a/x.jpg'], { set_notes: 'hi' });
    // The server moved it first; the event is late, so the PATCH for the old path meets a 404.
    server.items.delete('/a/x.jpg');
    queue.start();
    await flush();
    expect(missing).toEqual(['/a/x.jpg']);
    const moved = { ...cur, version: cur.version + 1 };
    server.items.set('/b/x.jpg', moved);
    queue.movePath('/a/x.jpg', '/b/x.jpg', moved);
    await flush();
    expect(paths()).toEqual(['/a/x.jpg', '/b/x.jpg']);
    expect(server.items.get('/b/x.jpg')).toMatchObject({ notes: 'hi', version: 3 });
    expect(queue.getSnapshot().failed).toBe(0);
  });

  it('an edit made against older labels keeps its base and is rebased by the usual 409', async () => {
    const { server, queue, move, paths } = setup();
    server.seed('/a/x.jpg', { star: 1 });
    queue.edit(['/a/x.jpg'], { add_tags: ['dog'] });
    server.remote('/a/x.jpg', { set_star: 3 }); // someone else, unseen by this tab
    const moved = move('/a/x.jpg', '/b/x.jpg');
    queue.movePath('/a/x.jpg', '/b/x.jpg', moved); // the event shows labels this edit was not made against
    queue.start();
    await flush();
    expect(paths()).toEqual(['/b/x.jpg', '/b/x.jpg']);
    expect(server.items.get('/b/x.jpg')).toMatchObject({ star: 3, tags: ['dog'] });
  });

  it('moves back and forth never send an edit in circles', async () => {
    const { server, queue, paths } = setup();
    server.seed('/a.jpg');
    const s = server.items.get('/a.jpg')!;
    queue.movePath('/a.jpg', '/b.jpg', { ...s, version: 2 });
    queue.movePath('/b.jpg', '/a.jpg', { ...s, version: 3 });
    queue.edit(['/a.jpg'], { set_star: 1 });
    server.items.delete('/a.jpg');
    queue.start();
    await flush();
    // /a.jpg exists again as far as the queue knows: a 404 for it parks the edit rather than bouncing.
    expect(paths()).toEqual(['/a.jpg']);
    expect(queue.getSnapshot().failed).toBe(1);
  });
});
