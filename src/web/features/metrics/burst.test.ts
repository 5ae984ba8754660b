import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesce } from './burst.js';

describe('coalesce', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const timers = { setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (h: unknown) => clearTimeout(h as number) };

  it('runs once per burst, and again for a later burst', () => {
    const fn = vi.fn();
    const c = coalesce(fn, 1000, timers);
    for (let i = 0; i < 500; i++) c.trigger();
    vi.advanceTimersByTime(999);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    c.trigger();
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('cancel drops a pending run', () => {
    const fn = vi.fn();
    const c = coalesce(fn, 10, timers);
    c.trigger();
    c.cancel();
    vi.advanceTimersByTime(100);
    expect(fn).not.toHaveBeenCalled();
  });
});
