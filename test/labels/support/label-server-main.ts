/**
 * A label server in its own process, for the crash test and the benchmark:
 * `node --import tsx label-server-main.ts <labels.sqlite | :memory:>`. Every path is an image.
 * Prints `READY <url>` once listening, and `STATS {…}` (group commit, CPU, event-loop delay) on SIGUSR2.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLabelStore } from '../../../src/server/labels/create-label-store.js';
import { startLabelServer } from './harness.js';

const db = process.argv[2];
if (!db) {
  process.stderr.write('usage: label-server-main.ts <labels.sqlite | :memory:>\n');
  process.exit(2);
}
// LENSLET_LABELS_SQLITE_THREAD=worker: SQLite in a worker thread instead of the main one (benchmark A/B).
const thread = process.env.LENSLET_LABELS_SQLITE_THREAD === 'worker' ? 'worker' : 'main';
const server = await startLabelServer({
  store: createLabelStore(db === ':memory:' ? null : db, {}, thread),
  itemExists: () => true,
});
process.stdout.write(`READY ${server.url}\n`);
const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
// Group-commit counters on demand, for the benchmark.
// Event-loop delay since the previous report: how long requests (and SSE) waited behind other work.
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
process.on('SIGUSR2', () => {
  const cpu = process.cpuUsage();
  const stats = {
    ...server.system.service.commitStats,
    cpu_ms: (cpu.user + cpu.system) / 1000,
    loop_p99_ms: loop.percentile(99) / 1e6,
    loop_max_ms: loop.max / 1e6,
  };
  loop.reset();
  process.stdout.write(`STATS ${JSON.stringify(stats)}\n`);
});
process.on('SIGINT', stop);
