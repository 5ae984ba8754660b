/**
 * A label server in its own process, for the crash test and the benchmark:
 * `node --import tsx label-server-main.ts <labels.sqlite | :memory: | postgres://…>`. Every path is an image.
 * With a postgres:// URL the labels go to PostgreSQL, dataset LENSLET_DATASET_ID (default `bench`).
 * Prints `READY <url>` once listening, and `STATS {…}` (group commit, CPU, event-loop delay) on SIGUSR2.
 * LENSLET_PROFILE_DIR=<dir>: CPU-profiles the stretch between the first two SIGUSR2 (and each later pair).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AccountAdmin } from '../../../src/server/accounts/account-admin.js';
import { createLabelStore, openLabelStore } from '../../../src/server/labels/create-label-store.js';
import { PgConnection } from '../../../src/server/postgres/pg-connection.js';
import { startLabelServer } from './harness.js';
import { profileBetweenReports } from './stats-window-profiler.js';

const db = process.argv[2];
if (!db) {
  process.stderr.write('usage: label-server-main.ts <labels.sqlite | :memory:>\n');
  process.exit(2);
}
// LENSLET_LABELS_SQLITE_THREAD=worker: SQLite in a worker thread instead of the main one (benchmark A/B).
const thread = process.env.LENSLET_LABELS_SQLITE_THREAD === 'worker' ? 'worker' : 'main';
// LENSLET_ACCESS=accounts: behind the access check, with accounts beside the labels; prints
// `AUTH {"cookie", "bearer"}` (a labeler's session cookie and a labeler token) before READY.
const accounts = process.env.LENSLET_ACCESS === 'accounts';
const pg = db.startsWith('postgres://') ? await PgConnection.open({ url: db, datasetId: process.env.LENSLET_DATASET_ID ?? 'bench' }) : null;
const server = await startLabelServer({
  store: pg ? await openLabelStore({ postgres: pg }) : createLabelStore(db === ':memory:' ? null : db, {}, thread),
  itemExists: () => true,
  accounts: accounts ? { file: db === ':memory:' || pg ? null : `${db}.accounts.sqlite` } : undefined,
});
if (server.access) {
  const service = await server.access.accounts();
  const admin = new AccountAdmin(service);
  await admin.addUser({ name: 'bench', role: 'labeler', password: 'bench password' }, { name: 'bench', address: null });
  const { secret } = await service.login('bench', 'bench password', null);
  const token = await admin.createToken('bench-token', 'labeler', { name: 'bench', address: null });
  process.stdout.write(`AUTH ${JSON.stringify({ cookie: `lenslet_session=${secret}`, bearer: token.secret })}\n`);
}
process.stdout.write(`READY ${server.url}\n`);
const stop = () => {
  void server
    .close()
    .then(() => pg?.close())
    .then(() => process.exit(0));
};
process.on('SIGTERM', stop);
// Group-commit counters on demand, for the benchmark.
// Event-loop delay since the previous report: how long requests (and SSE) waited behind other work.
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
// LENSLET_PROFILE_DIR: a CPU profile of each stretch between two reports (the bench's measured window).
const profile = process.env.LENSLET_PROFILE_DIR ? profileBetweenReports(process.env.LENSLET_PROFILE_DIR) : undefined;
process.on('SIGUSR2', () => {
  profile?.();
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
