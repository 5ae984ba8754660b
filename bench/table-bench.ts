/**
 * Table mode at 1M rows × 20 metrics: time until /health answers, until fully loaded, peak RSS,
 * and POST /query + /histogram latency (p50/p95) for filtered and sorted windows. The server runs
 * as a child process through the built CLI (`bin/lenslet.js`), so RSS is the server's alone. The
 * table is generated once into os.tmpdir() (bench/table-fixture.ts) and reused.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { spawnLenslet, type ChildLenslet } from './child-lenslet.js';
import { BENCH_METRICS, BENCH_ROWS, benchTablePath } from './table-fixture.js';

const LOOP_STATS = join(tmpdir(), `lenslet-table-loop-${process.pid}.json`);
const RUNS = 40;

interface Workload {
  name: string;
  route: '/query' | '/histogram';
  body: unknown;
}

const WORKLOADS: Workload[] = [
  { name: 'root window, name order (default view)', route: '/query', body: { limit: 200 } },
  { name: 'metric range, sorted by that metric desc', route: '/query', body: { filters: [{ metric: 'metric_00', min: 0.5 }], sort: { key: 'metric:metric_00', order: 'desc' }, limit: 200 } },
  { name: '2 metric ranges + width, added desc, offset 10k', route: '/query', body: { filters: [{ metric: 'metric_02', min: 0.2, max: 0.8 }, { metric: 'metric_03', max: 50 }, { width: { gte: 1024 } }], sort: { key: 'added', order: 'desc' }, offset: 10_000, limit: 200 } },
  { name: 'sort by another metric asc (missing last), no filter', route: '/query', body: { sort: { key: 'metric:metric_07', order: 'asc' }, limit: 200 } },
  { name: 'text "img_00012", name order', route: '/query', body: { filters: [{ text: 'img_00012' }], limit: 200 } },
  { name: 'random (seed 7) window', route: '/query', body: { sort: { key: 'random', seed: 7 }, limit: 200 } },
  { name: 'one folder (1k rows), metric range, metric sort', route: '/query', body: { path: '/shard_0042', filters: [{ metric: 'metric_04', min: 0.3 }], sort: { key: 'metric:metric_05', order: 'desc' }, limit: 200 } },
  { name: 'stars [0] + metric range (label filter path)', route: '/query', body: { filters: [{ stars: [0] }, { metric: 'metric_06', min: 0.9 }], limit: 200 } },
  { name: 'histogram, 40 bins, 2 filters (own one ignored)', route: '/histogram', body: { metric: 'metric_00', bins: 40, filters: [{ metric: 'metric_00', min: 0.5 }, { metric: 'metric_03', max: 30 }] } },
  { name: 'histogram, 40 bins, no filter', route: '/histogram', body: { metric: 'metric_09', bins: 40 } },
  { name: 'histogram in one folder, text filter', route: '/histogram', body: { path: '/shard_0042', metric: 'metric_01', filters: [{ text: 'img_0' }] } },
];

export async function run(): Promise<void> {
  const generatedAt = performance.now();
  const table = benchTablePath();
  const generated = performance.now() - generatedAt;
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}`);
  console.log(`data: ${BENCH_ROWS.toLocaleString('en-US')} rows × (${BENCH_METRICS} DOUBLE metrics, 5% null + image path, width, height, timestamp), snappy, row groups of 122,880: ${(statSync(table).size / 2 ** 20).toFixed(0)} MB at ${table}${generated > 1000 ? ` (generated in ${ms(generated)})` : ''}`);
  rmSync(`${table}.cache`, { recursive: true, force: true });
  const server = await startServer(table);
  try {
    await measureLoad(server);
    await measureQueries(server.url);
    console.log(`peak RSS (server, VmHWM): ${(server.peakRssKb() / 1024).toFixed(0)} MB (target < 700 MB)`);
  } finally {
    server.stop();
    if (existsSync(LOOP_STATS)) rmSync(LOOP_STATS);
  }
}

type Server = ChildLenslet;

const startServer = (table: string): Promise<Server> =>
  spawnLenslet([table, '--port', '0', '--source-column', 'image', '--no-write'], LOOP_STATS);

async function measureLoad(server: Server): Promise<void> {
  const since = () => performance.now() - server.startedAt;
  let firstHealth = 0;
  let worstHealth = 0;
  let healthCalls = 0;
  for (;;) {
    const t = performance.now();
    const response = await fetch(`${server.url}/health`).catch(() => undefined);
    if (!response?.ok) {
      await sleep(5);
      continue;
    }
    const body = (await response.json()) as { indexing: { state: string; done: number; total: number } };
    const took = performance.now() - t;
    if (!firstHealth) {
      firstHealth = since();
      server.signal('SIGUSR2'); // event-loop delay from here on
      console.log(`/health answered ${ms(firstHealth)} after spawn (indexing ${body.indexing.state}, ${body.indexing.done.toLocaleString('en-US')}/${body.indexing.total.toLocaleString('en-US')})`);
    } else {
      worstHealth = Math.max(worstHealth, took);
      healthCalls++;
    }
    if (body.indexing.state === 'done') {
      const loaded = since();
      console.log(`fully loaded ${ms(loaded)} after spawn, ${ms(loaded - firstHealth)} after /health first answered (target: loaded within 3 s)`);
      console.log(`/health while loading: ${healthCalls} calls, slowest ${ms(worstHealth)}`);
      break;
    }
    await sleep(20);
  }
  server.signal('SIGUSR1');
  await sleep(100);
  if (existsSync(LOOP_STATS)) {
    const loop = JSON.parse(readFileSync(LOOP_STATS, 'utf8')) as { max: number; p99: number };
    console.log(`event-loop delay while loading: max ${ms(loop.max)}, p99 ${ms(loop.p99)}`);
  }
}

async function measureQueries(url: string): Promise<void> {
  console.log(`\n| workload | first call | p50 | p95 | total matches |`);
  console.log(`|---|---|---|---|---|`);
  for (const w of WORKLOADS) {
    const call = async () => {
      const t = performance.now();
      const response = await fetch(url + w.route, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(w.body) });
      const body = (await response.json()) as { total?: number; population?: number[] };
      if (!response.ok) throw new Error(`${w.route} ${response.status}: ${JSON.stringify(body)}`);
      return { took: performance.now() - t, body };
    };
    const first = await call();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push((await call()).took);
    times.sort((a, b) => a - b);
    const total = first.body.total ?? first.body.population?.reduce((a, b) => a + b, 0);
    console.log(`| ${w.route} ${w.name} | ${ms(first.took)} | ${ms(pct(times, 50))} | ${ms(pct(times, 95))} | ${total?.toLocaleString('en-US')} |`);
  }
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

function sleep(msec: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, msec));
}
