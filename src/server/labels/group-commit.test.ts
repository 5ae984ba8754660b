import { describe, expect, it } from 'vitest';
import { GroupCommitter } from './group-commit.js';
import type { LabelStore, UnitOutcome, WriteUnit } from './label-store.js';
import { MemoryLabelStore } from './memory-label-store.js';

function write(path: string): WriteUnit {
  return { writes: [{ path, expected_version: 1, labels: { tags: [], notes: '', star: 1 }, updated_at: 't', updated_by: 'u' }] };
}

/** A memory store whose commits wait until the test releases them. */
function gatedStore() {
  const inner = new MemoryLabelStore();
  const gates: (() => void)[] = [];
  const calls: number[] = [];
  const store = Object.create(inner) as LabelStore;
  store.commit = async (units, now) => {
    calls.push(units.length);
    await new Promise<void>((r) => gates.push(r));
    return inner.commit(units, now);
  };
  return { store, inner, gates, calls };
}

describe('GroupCommitter', () => {
  it('commits writes submitted in the same turn together, and those arriving during a commit in the next', async () => {
    const { store, gates, calls } = gatedStore();
    const committer = new GroupCommitter(store, () => 0, () => {});
    const first = Array.from({ length: 5 }, (_, i) => committer.submit(write(`/a${i}.jpg`)));
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([5]);
    const second = Array.from({ length: 3 }, (_, i) => committer.submit(write(`/b${i}.jpg`)));
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([5]); // still waiting for the first commit
    gates.shift()!();
    await Promise.all(first);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([5, 3]);
    gates.shift()!();
    await Promise.all(second);
    expect(committer.stats).toMatchObject({ commits: 2, units: 8 });
  });

  it('resolves a caller only after the commit, and after onCommitted has run', async () => {
    const { store, gates } = gatedStore();
    const order: string[] = [];
    const committer = new GroupCommitter(store, () => 0, async (outcomes: UnitOutcome[]) => {
      order.push(`published ${outcomes.length}`);
    });
    let resolved = false;
    const p = committer.submit(write('/a.jpg')).then(() => {
      resolved = true;
      order.push('resolved');
    });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    gates.shift()!();
    await p;
    expect(order).toEqual(['published 1', 'resolved']);
  });

  it('rejects every caller of a failed commit, and keeps serving later ones', async () => {
    const inner = new MemoryLabelStore();
    let fail = true;
    const store = Object.create(inner) as LabelStore;
    store.commit = async (units, now) => {
      if (fail) throw new Error('disk full');
      return inner.commit(units, now);
    };
    const committer = new GroupCommitter(store, () => 0, () => {});
    const results = await Promise.allSettled([committer.submit(write('/a.jpg')), committer.submit(write('/b.jpg'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect((await committer.submit(write('/a.jpg'))).kind).toBe('committed');
    expect((await inner.get('/a.jpg')).version).toBe(2);
  });

  it('runs exclusive tasks between commits, never during one', async () => {
    const { store, gates } = gatedStore();
    const committer = new GroupCommitter(store, () => 0, () => {});
    const log: string[] = [];
    const w = committer.submit(write('/a.jpg')).then(() => log.push('commit'));
    await new Promise((r) => setImmediate(r));
    const task = committer.exclusive(async () => log.push('task'));
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual([]);
    gates.shift()!();
    await Promise.all([w, task]);
    expect(log).toEqual(['commit', 'task']);
  });

  it('gathering: the next commit waits for as many units as the last carried plus those queued meanwhile, never longer than the last commit took', async () => {
    const { store, gates, calls } = gatedStore();
    const committer = new GroupCommitter(store, () => 0, () => {}, { gatherMaxMs: 1000 });
    const tick = () => new Promise((r) => setImmediate(r));
    // A writer alone is not held: its unit is the whole target.
    const alone = committer.submit(write('/x.jpg'));
    await tick();
    gates.shift()!();
    await alone;
    const again = committer.submit(write('/x2.jpg'));
    await tick();
    expect(calls).toEqual([1, 1]);
    gates.shift()!();
    await again;
    // Two units in a commit, one arriving meanwhile: the next waits for three.
    const first = [committer.submit(write('/a.jpg')), committer.submit(write('/b.jpg'))];
    await tick();
    const c = committer.submit(write('/c.jpg'));
    await new Promise((r) => setTimeout(r, 30));
    gates.shift()!();
    await Promise.all(first);
    await tick();
    expect(calls).toEqual([1, 1, 2]);
    const d = committer.submit(write('/d.jpg'));
    await tick();
    expect(calls).toEqual([1, 1, 2]);
    const e = committer.submit(write('/e.jpg'));
    await tick();
    expect(calls).toEqual([1, 1, 2, 3]);
    await new Promise((r) => setTimeout(r, 30));
    const released = performance.now();
    gates.shift()!();
    await Promise.all([c, d, e]);
    // Three expected, one comes: it goes once the last commit's duration has passed.
    const f = committer.submit(write('/f.jpg'));
    await tick();
    expect(calls).toEqual([1, 1, 2, 3]);
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toEqual([1, 1, 2, 3, 1]);
    gates.shift()!();
    await f;
    expect(performance.now() - released).toBeLessThan(1000);
  });
});
