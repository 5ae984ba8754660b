import { describe, expect, it } from 'vitest';
import { Limiter } from './limiter.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

/** A task that records its start and finishes when released. */
function gated(order: string[], name: string): { run: () => Promise<void>; release: () => void } {
  let release!: () => void;
  const done = new Promise<void>((r) => {
    release = r;
  });
  return {
    run: () => {
      order.push(name);
      return done;
    },
    release: () => release(),
  };
}

describe('Limiter', () => {
  it('lifo: runs at most `concurrency` tasks, newest first, and drops cancelled ones', async () => {
    const limiter = new Limiter(1, 'lifo');
    const order: string[] = [];
    const first = gated(order, 'first');
    limiter.push(first.run);
    limiter.push(async () => void order.push('older'));
    const dropped = limiter.push(async () => void order.push('dropped'));
    limiter.push(async () => void order.push('newest'));
    expect(limiter.active).toBe(1);
    expect(limiter.pending).toBe(3);
    expect(dropped.cancel()).toBe(true);
    first.release();
    await tick();
    await tick();
    expect(order).toEqual(['first', 'newest', 'older']);
  });

  it('fifo: starts waiting tasks in arrival order', async () => {
    const limiter = new Limiter(2);
    const order: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((name) => gated(order, name));
    const results = tasks.map((t, i) =>
      limiter.run(async () => {
        await t.run();
        return i;
      }),
    );
    expect(order).toEqual(['a', 'b']);
    tasks[1]!.release();
    await tick();
    expect(order).toEqual(['a', 'b', 'c']);
    for (const t of tasks) t.release();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
    expect(limiter.active).toBe(0);
  });

  it('run: passes a failure through and frees the slot', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });

  it('cannot cancel a task that already started', () => {
    const limiter = new Limiter(1);
    const handle = limiter.push(() => new Promise(() => {}));
    expect(handle.cancel()).toBe(false);
  });
});
