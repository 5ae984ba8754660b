/**
 * Labels and sync: durable PATCH throughput and latency with 16 keep-alive clients, and the time
 * from a write's 200 to its event at each of 50 SSE clients. The server runs in a child process
 * on a SQLite file on the real disk (WAL, synchronous=FULL), the clients in this process.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildServer, type ChildServer } from '../test/labels/support/child-server.js';
import { requestJson } from '../test/labels/support/http-json.js';
import { SseClient } from '../test/labels/support/sse-client.js';
import { RawHttpConnection } from './raw-http.js';

const WRITERS = 16;
const WARMUP_MS = 1000;
const MEASURE_MS = 5000;
const SSE_CLIENTS = 50;
const SSE_WRITERS = 4;
const SSE_WRITES = 1000;
/** Events written before measuring, so the log is at its retention size and compaction runs. */
const PREFILL_EVENTS = 110_000;
const PREFILL_BATCH = 5000;

export interface ThroughputResult {
  store: StoreVariant;
  writesPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Average writes per SQLite transaction (group commit). */
  writesPerCommit: number;
  /** Server CPU time (all threads, user + system) per write: stable on a busy machine. */
  serverCpuUsPerWrite: number;
  /** Mean wall time of one commit (transaction + fsync). */
  commitMs: number;
  /** Server event-loop delay during the run: how long any request (or SSE write) could be held up. */
  loopDelayMs: { p99: number; max: number };
}

/** The same writes unauthenticated (local mode) and behind the access check (issue 10). */
export interface AuthOverheadResult {
  variant: AuthVariant;
  writesPerSecond: number;
  latencyMs: { p50: number; p99: number };
  serverCpuUsPerWrite: number;
}

/** `none`: no access check (local mode); `cookie`: a signed-in session (from a page: Origin set); `bearer`: an API token. */
type AuthVariant = 'none' | 'cookie' | 'bearer';

export interface LabelsBenchResult {
  throughput: ThroughputResult[];
  auth: AuthOverheadResult[];
  delivery: { clients: number; writes: number; p50: number; p99: number; max: number; beforeAck: number };
}

/** Where the server runs SQLite: `main` (the default) or a `worker` thread. */
type StoreVariant = 'main' | 'worker';

/** The bench dispatcher's entry point (bench/run.ts). */
export async function run(): Promise<void> {
  await measureLabels();
}

/** Throughput with SQLite on the main thread (default) and on a worker, alternating, twice; then delivery. */
export async function measureLabels(): Promise<LabelsBenchResult> {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}; SQLite WAL + synchronous=FULL under ${tmpdir()}`);
  const throughput: ThroughputResult[] = [];
  for (const store of ['main', 'worker', 'main', 'worker'] as const) {
    throughput.push(await withServer(store, (server) => measureStore(server, store)));
  }
  const delivery = await withServer('main', (server) => measureDelivery([server]));
  const auth = await measureAuthOverhead();
  console.log(
    `200 → event at each of ${delivery.clients} SSE clients (${delivery.writes} writes by ${SSE_WRITERS} writers): ` +
      `p50 ${delivery.p50.toFixed(2)} ms, p99 ${delivery.p99.toFixed(2)} ms (target < 50), max ${delivery.max.toFixed(1)} ms; ` +
      `${delivery.beforeAck} of ${delivery.clients * delivery.writes} deliveries arrived before the 200 (counted as 0)`,
  );
  return { throughput, delivery, auth };
}

/**
 * The cost of the access check on a write: the same durable PATCH load without it, with a session
 * cookie and with a Bearer token, four times each in turn (the machine's load drifts), medians. The
 * target: an authenticated write costs under 10% more server CPU than an unauthenticated one.
 */
export async function measureAuthOverhead(): Promise<AuthOverheadResult[]> {
  const results: AuthOverheadResult[] = [];
  const rounds = Number(process.env.LENSLET_BENCH_AUTH_ROUNDS ?? 4);
  const order = Array.from({ length: rounds }, () => ['none', 'cookie', 'bearer'] as const).flat();
  for (const variant of order) {
    results.push(
      await withServer('main', async (server) => {
        const headers = authHeaders(server, variant);
        await prefill(server, headers);
        const before = await server.commitStats();
        const { writesPerSecond, latencyMs } = await measureThroughput([server], headers);
        const after = await server.commitStats();
        const units = Math.max(1, after.units - before.units);
        return { variant, writesPerSecond, latencyMs, serverCpuUsPerWrite: ((after.cpu_ms - before.cpu_ms) * 1000) / units };
      }, variant !== 'none'),
    );
  }
  // Medians: one run that lost the core to another process must not decide the ratio.
  const median = (v: AuthVariant, f: (r: AuthOverheadResult) => number) => {
    const xs = results.filter((r) => r.variant === v).map(f).sort((a, b) => a - b);
    const mid = xs.length >> 1;
    return xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  };
  const baseCpu = median('none', (r) => r.serverCpuUsPerWrite);
  for (const variant of ['none', 'cookie', 'bearer'] as const) {
    const cpu = median(variant, (r) => r.serverCpuUsPerWrite);
    console.log(
      `[access: ${variant}] ${median(variant, (r) => r.writesPerSecond).toFixed(0)} writes/s, p50 ${median(variant, (r) => r.latencyMs.p50).toFixed(2)} ms, ` +
        `p99 ${median(variant, (r) => r.latencyMs.p99).toFixed(2)} ms, server CPU ${cpu.toFixed(0)} µs per write` +
        (variant === 'none' ? '' : ` = ${(cpu / baseCpu).toFixed(3)} × unauthenticated (target < 1.10)`),
    );
  }
  return results;
}

function authHeaders(server: ChildServer, variant: AuthVariant): Record<string, string> {
  if (variant === 'none') return {};
  if (!server.auth) throw new Error('the server printed no AUTH line');
  // As a browser's write: the session cookie, and the page's own Origin.
  return variant === 'cookie' ? { cookie: server.auth.cookie, origin: server.url } : { authorization: `Bearer ${server.auth.bearer}` };
}

async function withServer<T>(store: StoreVariant, use: (server: ChildServer) => Promise<T>, accounts = false): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'lenslet-labels-bench-'));
  const env: Record<string, string> = store === 'worker' ? { LENSLET_LABELS_SQLITE_THREAD: 'worker' } : {};
  if (accounts) env.LENSLET_ACCESS = 'accounts';
  const server = await startChildServer(join(dir, 'labels.sqlite'), env);
  try {
    return await use(server);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureStore(server: ChildServer, store: StoreVariant): Promise<ThroughputResult> {
  const t = performance.now();
  await prefill(server);
  const prefillS = (performance.now() - t) / 1000;
  const load = loadavg()[0]!;
  const before = await server.commitStats();
  const { writesPerSecond, latencyMs } = await measureThroughput([server]);
  const after = await server.commitStats();
  const commits = Math.max(1, after.commits - before.commits);
  const units = Math.max(1, after.units - before.units);
  const result: ThroughputResult = {
    store,
    writesPerSecond,
    latencyMs,
    writesPerCommit: units / commits,
    serverCpuUsPerWrite: ((after.cpu_ms - before.cpu_ms) * 1000) / units,
    commitMs: (after.commit_ms - before.commit_ms) / commits,
    loopDelayMs: { p99: after.loop_p99_ms, max: after.loop_max_ms },
  };
  console.log(
    `[SQLite on the ${store} thread] prefill ${PREFILL_EVENTS.toLocaleString('en-US')} events in ${prefillS.toFixed(1)} s; durable PATCH /item, ${WRITERS} keep-alive clients, ` +
      `${MEASURE_MS / 1000} s: ${writesPerSecond.toFixed(0)} writes/s (target ≥ 3000), latency p50 ${latencyMs.p50.toFixed(2)} ms, ` +
      `p99 ${latencyMs.p99.toFixed(2)} ms (target < 25), max ${latencyMs.max.toFixed(1)} ms; ${result.writesPerCommit.toFixed(1)} writes per transaction, ` +
      `${result.commitMs.toFixed(2)} ms per commit; event-loop delay p99 ${result.loopDelayMs.p99.toFixed(1)} ms, max ${result.loopDelayMs.max.toFixed(1)} ms; server CPU ${result.serverCpuUsPerWrite.toFixed(0)} µs per write (load average ${load.toFixed(1)})`,
  );
  return result;
}

export async function prefill(server: ChildServer, headers: Record<string, string> = {}): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let done = 0; done < PREFILL_EVENTS; done += PREFILL_BATCH) {
    const items = Array.from({ length: PREFILL_BATCH }, (_, i) => ({ path: `/prefill/${done + i}.jpg`, base_version: 1, set_star: i % 6 }));
    const res = await requestJson(agent, server.url, 'PATCH', '/items', items, { 'idempotency-key': `prefill:${done}`, ...headers });
    if (res.status !== 200) throw new Error(`prefill answered ${res.status}`);
  }
  agent.destroy();
}

/** 16 keep-alive writers, spread over `servers` in turn, each on its own 100 items (the lean client of raw-http.ts). */
export async function measureThroughput(servers: ChildServer[], headers: Record<string, string> = {}): Promise<Pick<ThroughputResult, 'writesPerSecond' | 'latencyMs'>> {
  const latencies: number[] = [];
  let measuring = false;
  let stop = false;
  let count = 0;
  const connections: RawHttpConnection[] = [];
  const writer = async (w: number) => {
    const connection = new RawHttpConnection(servers[w % servers.length]!.url, { 'x-client-id': `bench-${w}`, ...headers });
    connections.push(connection);
    const targets = Array.from({ length: 100 }, (_, p) => `/item?path=${encodeURIComponent(`/bench/w${w}/${p}.jpg`)}`);
    const versions = new Array<number>(100).fill(1);
    for (let i = 0; !stop; i++) {
      const p = i % 100;
      const t0 = performance.now();
      const res = await connection.request(
        'PATCH',
        targets[p]!,
        `{"base_version":${versions[p]},"set_star":${i % 6},"add_tags":["bench"]}`,
        `idempotency-key: bench:${w}:${i}\r\n`,
      );
      const dt = performance.now() - t0;
      if (res.status !== 200) throw new Error(`PATCH answered ${res.status}: ${res.body}`);
      versions[p] = (JSON.parse(res.body) as { version: number }).version;
      if (measuring) {
        latencies.push(dt);
        count++;
      }
    }
  };
  const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
  await delay(WARMUP_MS);
  measuring = true;
  const t0 = performance.now();
  await delay(MEASURE_MS);
  measuring = false;
  const elapsed = performance.now() - t0;
  stop = true;
  await Promise.all(writers);
  for (const c of connections) c.close();
  latencies.sort((a, b) => a - b);
  return { writesPerSecond: (count / elapsed) * 1000, latencyMs: { p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies.at(-1) ?? 0 } };
}

/** Write's 200 → its event at each of 50 SSE clients; clients and writers spread over `servers` in turn. */
export async function measureDelivery(servers: ChildServer[]): Promise<LabelsBenchResult['delivery']> {
  const acks = new Map<string, number>();
  const arrivals: { key: string; at: number }[] = [];
  const clients: SseClient[] = [];
  for (let i = 0; i < SSE_CLIENTS; i++) {
    // Each its own client, as browsers are: the server caps streams per client (16) and per address without an id.
    const c = await SseClient.connect(`${servers[i % servers.length]!.url}/events?client_id=bench-sse-${i}`);
    c.onMessage = (m) => {
      if (m.event !== 'item-updated') return;
      const data = m.json as { path: string; version: number };
      arrivals.push({ key: `${data.path}@${data.version}`, at: m.receivedAt });
    };
    clients.push(c);
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: SSE_WRITERS });
  let next = 0;
  const writer = async (w: number) => {
    const server = servers[w % servers.length]!;
    let version = 1;
    while (next < SSE_WRITES) {
      next++;
      const path = `/sse/w${w}.jpg`;
      const res = await requestJson(agent, server.url, 'PATCH', `/item?path=${encodeURIComponent(path)}`, { base_version: version, set_star: version % 6 }, {
        'idempotency-key': `sse:${w}:${version}`,
      });
      const at = performance.now();
      if (res.status !== 200) throw new Error(`PATCH answered ${res.status}`);
      version = res.body.version;
      acks.set(`${path}@${version}`, at);
    }
  };
  await Promise.all(Array.from({ length: SSE_WRITERS }, (_, w) => writer(w)));
  const expected = acks.size * SSE_CLIENTS;
  const deadline = performance.now() + 10_000;
  while (arrivals.length < expected && performance.now() < deadline) await delay(10);
  for (const c of clients) c.close();
  agent.destroy();
  if (arrivals.length < expected) throw new Error(`only ${arrivals.length} of ${expected} events arrived`);
  let beforeAck = 0;
  const deltas = arrivals.map((a) => {
    const d = a.at - acks.get(a.key)!;
    if (d < 0) beforeAck++;
    return Math.max(0, d);
  });
  deltas.sort((a, b) => a - b);
  return { clients: SSE_CLIENTS, writes: acks.size, p50: pct(deltas, 50), p99: pct(deltas, 99), max: deltas.at(-1) ?? 0, beforeAck };
}

export function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
