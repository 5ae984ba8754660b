import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('WorkQueue', () => {
  it('runs at most `concurrency` tasks, newest first, and drops cancelled ones', async () => {
    const queue = new WorkQueue(1);
    const order: string[] = [];
    let release!: () => void;
    queue.push(() => new Promise<void>((r) => ((release = r), order.push('first'))));
    queue.push(async () => void order.push('older'));
    const dropped = queue.push(async () => void order.push('dropped'));
    queue.push(async () => void order.push('newest'));
    expect(queue.active).toBe(1);
    expect(dropped.cancel()).toBe(true);
    release();
    await tick();
    await tick();
    expect(order).toEqual(['first', 'newest', 'older']);
  });

  it('cannot cancel a task that already started', () => {
    const queue = new WorkQueue(1);
    const handle = queue.push(() => new Promise(() => {}));
    expect(handle.cancel()).toBe(false);
  });
});
