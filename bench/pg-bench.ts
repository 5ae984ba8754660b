/**
 * Several servers on PostgreSQL (issue 11), side by side with one server on SQLite, in the same
 * run: durable PATCH throughput and latency with 16 keep-alive clients spread over the servers,
 * and write's 200 → event at 50 SSE clients spread over them. The servers are child processes
 * (test/labels/support/label-server-main.ts); PostgreSQL is the machine's, in a database of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildServer, type ChildServer } from '../test/labels/support/child-server.js';
import { createTestDatabase, PG_ADMIN_URL } from '../test/support/pg.js';
import { postgresCpu } from './process-cpu.js';
import { measureDelivery, measureThroughput, prefill, type LabelsBenchResult } from './labels-bench.js';

const ROUNDS = Number(process.env.LENSLET_BENCH_PG_ROUNDS ?? 2);
// LENSLET_BENCH_PG_ONLY=1: PostgreSQL rounds only (profiling, before/after of a PostgreSQL change).
const WITH_SQLITE = process.env.LENSLET_BENCH_PG_ONLY !== '1';

type Setup = 'postgres × 2 servers' | 'sqlite × 1 server';

export interface PgBenchResult {
  setup: Setup;
  writesPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Writes per database transaction, over every server (group commit). */
  writesPerCommit: number;
  /** Server CPU per write, every server's together. */
  serverCpuUsPerWrite: number;
  /** The bench clients' CPU per write (this process). */
  clientCpuUsPerWrite: number;
  /** PostgreSQL only: CPU per write of the database's backends, and of every postgres process (other users of the cluster included). */
  postgresCpuUsPerWrite?: { database: number; cluster: number };
  delivery: LabelsBenchResult['delivery'];
}

/** The bench dispatcher's entry point (bench/run.ts). */
export async function run(): Promise<PgBenchResult[]> {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}; PostgreSQL on 127.0.0.1:5432, SQLite WAL + synchronous=FULL under ${tmpdir()}`);
  const results: PgBenchResult[] = [];
  // Alternating, so a drift in the machine's load does not favour one setup.
  for (let round = 0; round < ROUNDS; round++) {
    results.push(await withPostgres(2, (servers, database) => measure('postgres × 2 servers', servers, database)));
    if (WITH_SQLITE) results.push(await withSqlite((servers) => measure('sqlite × 1 server', servers)));
  }
  console.log(JSON.stringify({ bench: 'pg', results }));
  return results;
}

async function measure(setup: Setup, servers: ChildServer[], database?: string): Promise<PgBenchResult> {
  await prefill(servers[0]!);
  const load = loadavg()[0]!;
  const postgres = database ? await postgresCpu(PG_ADMIN_URL, database) : undefined;
  const before = await Promise.all(servers.map((s) => s.commitStats()));
  const client0 = process.cpuUsage();
  const { writesPerSecond, latencyMs } = await measureThroughput(servers);
  const client = process.cpuUsage(client0);
  const after = await Promise.all(servers.map((s) => s.commitStats()));
  const pgMs = postgres?.();
  const sum = (stats: typeof before, f: (x: (typeof before)[number]) => number) => stats.reduce((n, x) => n + f(x), 0);
  const units = Math.max(1, sum(after, (x) => x.units) - sum(before, (x) => x.units));
  const commits = Math.max(1, sum(after, (x) => x.commits) - sum(before, (x) => x.commits));
  const cpuMs = sum(after, (x) => x.cpu_ms) - sum(before, (x) => x.cpu_ms);
  const delivery = await measureDelivery(servers);
  const result: PgBenchResult = {
    setup,
    writesPerSecond,
    latencyMs,
    writesPerCommit: units / commits,
    serverCpuUsPerWrite: (cpuMs * 1000) / units,
    clientCpuUsPerWrite: (client.user + client.system) / units,
    delivery,
  };
  if (pgMs) result.postgresCpuUsPerWrite = { database: (pgMs.databaseMs * 1000) / units, cluster: (pgMs.clusterMs * 1000) / units };
  const pgCpu = result.postgresCpuUsPerWrite;
  console.log(
    `[${setup}] durable PATCH /item, 16 clients: ${writesPerSecond.toFixed(0)} writes/s (target ≥ 3000), p50 ${latencyMs.p50.toFixed(2)} ms, ` +
      `p99 ${latencyMs.p99.toFixed(2)} ms (target < 25), max ${latencyMs.max.toFixed(1)} ms; ${result.writesPerCommit.toFixed(1)} writes per transaction; ` +
      `CPU per write: servers ${result.serverCpuUsPerWrite.toFixed(0)} µs, clients ${result.clientCpuUsPerWrite.toFixed(0)} µs` +
      (pgCpu ? `, postgres ${pgCpu.database.toFixed(0)} µs (all postgres processes ${pgCpu.cluster.toFixed(0)} µs)` : '') +
      ` (load average ${load.toFixed(1)})`,
  );
  console.log(
    `[${setup}] 200 → event at ${delivery.clients} SSE clients over ${servers.length} server${servers.length > 1 ? 's' : ''} (${delivery.writes} writes): ` +
      `p50 ${delivery.p50.toFixed(2)} ms, p99 ${delivery.p99.toFixed(2)} ms (target < 100), max ${delivery.max.toFixed(1)} ms`,
  );
  return result;
}

async function withPostgres<T>(count: number, use: (servers: ChildServer[], database: string) => Promise<T>): Promise<T> {
  const db = await createTestDatabase('lenslet_bench');
  const servers: ChildServer[] = [];
  try {
    // One after the other: the first creates the schema, the others find it.
    for (let i = 0; i < count; i++) servers.push(await startChildServer(db.url, { LENSLET_DATASET_ID: 'bench' }));
    return await use(servers, db.name);
  } finally {
    await stopAll(servers);
    await db.drop();
  }
}

async function withSqlite<T>(use: (servers: ChildServer[]) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'lenslet-pg-bench-'));
  const servers: ChildServer[] = [];
  try {
    servers.push(await startChildServer(join(dir, 'labels.sqlite')));
    return await use(servers);
  } finally {
    await stopAll(servers);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function stopAll(servers: ChildServer[]): Promise<void> {
  for (const s of servers) s.child.kill('SIGTERM');
  await Promise.all(servers.map((s) => s.exited));
}
