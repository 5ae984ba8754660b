/**
 * Preloaded into the benchmarked server (`--import`; plain JS so the built server needs no loader): measures its event-loop delay without
 * touching server code. SIGUSR2 resets the histogram; SIGUSR1 writes max/p99 (ms) as JSON to
 * $LENSLET_LOOP_STATS.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
process.on('SIGUSR2', () => histogram.reset());
process.on('SIGUSR1', () => {
  const stats = { max: histogram.max / 1e6, p99: histogram.percentile(99) / 1e6, p50: histogram.percentile(50) / 1e6 };
  writeFileSync(process.env.LENSLET_LOOP_STATS, JSON.stringify(stats));
});
