export interface Timers {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

/**
 * Runs `fn` once, `delayMs` after the first of a burst of triggers: a metrics job writing
 * thousands of values causes one refresh per second at most, not one per event.
 */
export function coalesce(fn: () => void, delayMs: number, timers: Timers): { trigger(): void; cancel(): void } {
  let handle: unknown = null;
  return {
    trigger() {
      if (handle !== null) return;
      handle = timers.setTimeout(() => {
        handle = null;
        fn();
      }, delayMs);
    },
    cancel() {
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
    },
  };
}
