import { describe, expect, it } from 'vitest';
import { batchThrottle, type ThrottleClock } from './batch-throttle.js';

function fakeClock() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const clock: ThrottleClock = {
    setTimeout: (fn, ms) => {
      timers.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimeout: (h) => void timers.delete(h as number),
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = until;
  };
  return { clock, advance, pending: () => timers.size };
}

describe('batchThrottle', () => {
  it('[PW2] folds a burst of 500 edits into two flushes that carry every key once', () => {
    const { clock, advance } = fakeClock();
    const flushes: string[][] = [];
    const t = batchThrottle<string>((keys) => flushes.push([...keys]), 500, clock);
    for (let i = 0; i < 500; i++) {
      t.push(`/f${i % 7}`);
      if (i % 50 === 0) advance(20); // the burst spreads over ~200 ms
    }
    advance(2_000);
    expect(flushes.length).toBe(2);
    expect(new Set(flushes.flat())).toEqual(new Set(Array.from({ length: 7 }, (_, i) => `/f${i}`)));
    expect(flushes[0]).toEqual(['/f0']);
  });

  it('[PW2] flushes a lone change at once, and again at once after a quiet window', () => {
    const { clock, advance } = fakeClock();
    const flushes: string[][] = [];
    const t = batchThrottle<string>((keys) => flushes.push([...keys]), 500, clock);
    t.push('/a');
    expect(flushes).toEqual([['/a']]);
    advance(1_100);
    t.push('/b');
    expect(flushes).toEqual([['/a'], ['/b']]);
  });

  it('[PW2] spreads a long stream of edits at one flush per window', () => {
    const { clock, advance } = fakeClock();
    let count = 0;
    const t = batchThrottle<number>(() => count++, 500, clock);
    for (let i = 0; i < 5_000; i++) {
      t.push(i);
      advance(1); // 5 s of one edit per millisecond
    }
    advance(1_000);
    expect(count).toBeGreaterThanOrEqual(10);
    expect(count).toBeLessThanOrEqual(12);
  });

  it('[PW2] drops what waits and its timer on cancel', () => {
    const { clock, advance, pending } = fakeClock();
    let count = 0;
    const t = batchThrottle<number>(() => count++, 500, clock);
    t.push(1);
    t.push(2);
    t.cancel();
    advance(2_000);
    expect(count).toBe(1);
    expect(pending()).toBe(0);
  });
});
