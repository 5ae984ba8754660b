/** Timers the throttle runs on: the browser's, or a fake one in tests. */
export interface ThrottleClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface BatchThrottle<T> {
  /** Adds a key to the next flush; the first one of a quiet period flushes right away. */
  push(key: T): void;
  /** Drops what is waiting and the timer (unmount). */
  cancel(): void;
}

/**
 * Collects keys (folders, paths) and hands them to `flush` as one set at most once per `ms`: the
 * first change after a quiet period goes out at once (a single edit shows without delay), and a
 * burst is folded into one more flush at the end of the window. 500 edits in a second are two
 * repaints, not 500.
 */
export function batchThrottle<T>(flush: (keys: ReadonlySet<T>) => void, ms: number, clock: ThrottleClock): BatchThrottle<T> {
  let pending = new Set<T>();
  let timer: unknown = null;
  const tick = () => {
    if (!pending.size) {
      timer = null;
      return;
    }
    const keys = pending;
    pending = new Set();
    flush(keys);
    // Stay in the window after a flush: keys arriving now wait for the next tick.
    timer = clock.setTimeout(tick, ms);
  };
  return {
    push(key) {
      pending.add(key);
      if (timer === null) tick();
    },
    cancel() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      pending = new Set();
    },
  };
}

export const browserThrottleClock: ThrottleClock = {
  setTimeout: (fn, ms) => window.setTimeout(fn, ms),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
};
