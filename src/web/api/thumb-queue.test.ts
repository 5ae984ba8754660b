import { describe, expect, it } from 'vitest';
import { ThumbQueue } from './thumb-queue.js';

function harness(options: { maxInFlight?: number; cacheSize?: number } = {}) {
  const pending = new Map<string, { resolve: () => void; reject: () => void; signal: AbortSignal }>();
  const started: string[] = [];
  const revoked: string[] = [];
  const queue = new ThumbQueue({
    ...options,
    fetchBlob: (url, signal) =>
      new Promise<Blob>((resolve, reject) => {
        started.push(url);
        pending.set(url, { resolve: () => resolve(new Blob([url])), reject: () => reject(new Error('x')), signal });
      }),
    createUrl: (blob) => `blob:${(blob as Blob).size}:${Math.random()}`,
    revokeUrl: (u) => revoked.push(u),
  });
  const finish = async (url: string) => {
    pending.get(url)!.resolve();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { queue, pending, started, revoked, finish };
}

describe('thumbnail queue', () => {
  it('never runs more than six requests at once', async () => {
    const { queue, started, finish } = harness();
    for (let i = 0; i < 20; i++) queue.request(`/t${i}`, i, () => {});
    expect(started.length).toBe(6);
    expect(queue.stats()).toMatchObject({ inFlight: 6, queued: 14 });
    await finish('/t0');
    expect(started.length).toBe(7);
  });

  it('loads the visible range first, then the closest', async () => {
    const { queue, started, finish } = harness({ maxInFlight: 1 });
    queue.setViewport(50, 52);
    queue.request('/a', 0, () => {});
    queue.request('/b', 10, () => {});
    queue.request('/c', 51, () => {});
    queue.request('/d', 60, () => {});
    await finish('/a');
    await finish('/c');
    await finish('/d');
    expect(started).toEqual(['/a', '/c', '/d', '/b']);
  });

  it('drops queued and aborts in-flight requests nobody waits for', async () => {
    const { queue, pending, started } = harness({ maxInFlight: 1 });
    const cancelA = queue.request('/a', 0, () => {});
    const cancelB = queue.request('/b', 1, () => {});
    cancelB();
    cancelA();
    expect(pending.get('/a')!.signal.aborted).toBe(true);
    expect(queue.stats()).toMatchObject({ inFlight: 0, queued: 0 });
    expect(started).toEqual(['/a']);
  });

  it('cancels everything on navigation', () => {
    const { queue, pending } = harness();
    for (let i = 0; i < 10; i++) queue.request(`/t${i}`, i, () => {});
    queue.cancelAll();
    expect(queue.stats()).toMatchObject({ inFlight: 0, queued: 0 });
    expect([...pending.values()].every((p) => p.signal.aborted)).toBe(true);
  });

  it('shares one request between listeners and serves later requests from the cache', async () => {
    const { queue, started, finish } = harness();
    const got: (string | null)[] = [];
    queue.request('/a', 0, (u) => got.push(u));
    queue.request('/a', 0, (u) => got.push(u));
    await finish('/a');
    expect(started).toEqual(['/a']);
    expect(got.length).toBe(2);
    let sync: string | null = null;
    queue.request('/a', 0, (u) => (sync = u));
    expect(sync).toBe(got[0]);
    expect(queue.peek('/a')).toBe(got[0]);
  });

  it('reports failures with null and frees the slot', async () => {
    const { queue, pending } = harness({ maxInFlight: 1 });
    let result: string | null | undefined;
    queue.request('/bad', 0, (u) => (result = u));
    queue.request('/next', 1, () => {});
    pending.get('/bad')!.reject();
    await new Promise((r) => setTimeout(r, 0));
    expect(result).toBeNull();
    expect(queue.stats().inFlight).toBe(1);
    expect(pending.has('/next')).toBe(true);
  });

  it('evicts least recently used thumbnails, but never one on screen', async () => {
    const { queue, finish, revoked } = harness({ cacheSize: 2 });
    const releaseA = queue.request('/a', 0, () => {});
    await finish('/a');
    const releaseB = queue.request('/b', 1, () => {});
    await finish('/b');
    releaseB();
    const releaseC = queue.request('/c', 2, () => {});
    await finish('/c');
    releaseC();
    // /a is still referenced, so /b (released, oldest) goes.
    expect(queue.peek('/a')).toBeDefined();
    expect(queue.peek('/b')).toBeUndefined();
    expect(revoked.length).toBe(1);
    releaseA();
    expect(queue.stats().cached).toBe(2);
  });
});
