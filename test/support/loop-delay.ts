import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Watches this process's event loop while `work` runs, and answers the longest stall (ms) seen:
 * how long any other request would have waited. Measured from inside, by Node's own sampler, so a
 * bound on it holds on a slow machine where wall-clock bounds would not.
 */
export async function maxLoopDelay<T>(work: () => T | Promise<T>): Promise<{ result: T; maxDelayMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  try {
    const result = await work();
    // The sampler records a stall on its next tick: let two ticks pass.
    await new Promise((resolve) => setTimeout(resolve, 25));
    return { result, maxDelayMs: histogram.max / 1e6 };
  } finally {
    histogram.disable();
  }
}

/** The same, for a scenario that runs in the background: call `stop()` when it is over. */
export function watchLoopDelay(): { stop(): Promise<number> } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    async stop() {
      await new Promise((resolve) => setTimeout(resolve, 25));
      histogram.disable();
      return histogram.max / 1e6;
    },
  };
}
