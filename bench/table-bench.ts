/**
 * Table mode at 1M (default) or 10M rows × 20 metrics (`npm run bench -- table10m`, or
 * LENSLET_BENCH_TABLE_ROWS=…): time until /health answers, until the first /query window, until
 * fully loaded and until fully usable, event-loop delay while loading, peak RSS, and POST /query +
 * /histogram latency (first call, p50/p95). The server runs as a child process through the built
 * CLI (`bin/lenslet.js`), so RSS is the server's alone. The reference is DuckDB's own
 * `CREATE TABLE AS SELECT * FROM read_parquet(…)` of the same file, in a child process too. The
 * table is generated once into os.tmpdir() (bench/table-fixture.ts) and reused.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { type ChildLenslet, spawnLenslet } from './child-lenslet.js';
import { runEngine } from './engine-run.js';
import { type Workload, WORKLOADS } from './table-workloads.js';
import { BENCH_METRICS, benchRows, benchTablePath } from './table-fixture.js';

const LOOP_STATS = join(tmpdir(), `lenslet-table-loop-${process.pid}.json`);
const RUNS = 40;


/** Issue 15's targets; the figure is printed beside the target for the size being run. */
interface Targets {
  healthMs: number;
  firstWindowMs?: number;
  usableMs?: number;
  rssMb?: number;
  stallMs?: number;
  p95Ms?: number;
  newSortMs?: number;
  ratio?: number;
}
const TARGETS = new Map<number, Targets>([
  [1_000_000, { healthMs: 300, firstWindowMs: 1500, usableMs: 2000, rssMb: 500, stallMs: 50, p95Ms: 50, ratio: 1.5 }],
  [10_000_000, { healthMs: 300, usableMs: 15_000, rssMb: 4096, p95Ms: 200, newSortMs: 2000 }],
]);

export async function run(rows = benchRows()): Promise<void> {
  const targets: Targets = TARGETS.get(rows) ?? { healthMs: 300 };
  const generatedAt = performance.now();
  const table = await benchTablePath(rows);
  const generated = performance.now() - generatedAt;
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}; load average ${loadAverage()}`);
  console.log(`data: ${rows.toLocaleString('en-US')} rows × (${BENCH_METRICS} DOUBLE metrics, 5% null + image path, width, height, timestamp), snappy, row groups of 122,880: ${(statSync(table).size / 2 ** 20).toFixed(0)} MB at ${table}${generated > 1000 ? ` (generated in ${ms(generated)})` : ''}`);

  const duck = await runEngine('duckdb-ctas', table);
  console.log(`DuckDB reference (child process, in memory): CREATE TABLE t AS SELECT * FROM read_parquet(…) ${ms(duck.loadMs)} (CPU ${ms(duck.loadCpuMs ?? 0)}), peak RSS ${mb(duck.peakRssKb)}, ${ms(duck.wallMs)} from spawn to done`);

  rmSync(`${table}.cache`, { recursive: true, force: true });
  const server = await startServer(table);
  try {
    const load = await measureLoad(server, targets);
    const firsts = await firstCalls(server.url);
    const usable = performance.now() - server.startedAt;
    const usableCpu = server.cpuMs();
    const usableRss = server.peakRssKb();
    if (existsSync(LOOP_STATS)) {
      const loop = JSON.parse(readFileSync(LOOP_STATS, 'utf8')) as { max: number; p99: number };
      console.log(`event-loop delay while loading: max ${ms(loop.max)}${targetText(targets.stallMs)}, p99 ${ms(loop.p99)}`);
    }
    const slowestSort = Math.max(...firsts.filter((f) => f.workload.route === '/query').map((f) => f.took));
    console.log(`fully usable (loaded, then the first call of every workload below answered, one after another) ${ms(usable)} after spawn${targetText(targets.usableMs)}; server CPU by then ${ms(usableCpu)}; slowest first call ${ms(slowestSort)}${targetText(targets.newSortMs, '<')}`);
    console.log(`peak RSS (server, VmHWM) when usable: ${mb(usableRss)}${targetText(targets.rssMb, '<', (v) => `${v} MB`)}`);
    const ratio = usable / duck.loadMs;
    console.log(`\n**headline: Lenslet fully usable after spawn / DuckDB CTAS = ${ms(usable)} / ${ms(duck.loadMs)} = ${ratio.toFixed(2)}${targetText(targets.ratio, '≤', String)}**; fully loaded / CTAS = ${(load.loadedMs / duck.loadMs).toFixed(2)}\n`);
    await measureQueries(server.url, firsts, targets);
    console.log(`peak RSS (server, VmHWM) after the queries: ${mb(server.peakRssKb())}${targetText(targets.rssMb, '<', (v) => `${v} MB`)}`);
    console.log(`load average at the end: ${loadAverage()}`);
  } finally {
    server.stop();
    if (existsSync(LOOP_STATS)) rmSync(LOOP_STATS);
  }
}

type Server = ChildLenslet;

const startServer = (table: string): Promise<Server> =>
  spawnLenslet([table, '--port', '0', '--source-column', 'image', '--no-write'], LOOP_STATS);

/**
 * Polls /health (and, alongside, `POST /query {limit: 200}` until it answers with items) from the
 * moment the server listens until indexing is done.
 */
async function measureLoad(server: Server, targets: Targets): Promise<{ loadedMs: number }> {
  const since = () => performance.now() - server.startedAt;
  let loaded = false;
  const firstWindow = (async () => {
    while (!loaded) {
      const response = await fetch(`${server.url}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"limit":200}' }).catch(() => undefined);
      const body = response?.ok ? ((await response.json()) as { items: unknown[]; total: number; indexing?: { done: number; total: number } }) : undefined;
      if (body && body.items.length > 0) return { at: since(), items: body.items.length, total: body.total, indexing: body.indexing };
      if (response && !body) await response.body?.cancel();
      await sleep(20);
    }
    return undefined;
  })();
  let firstHealth = 0;
  let worstHealth = 0;
  let healthCalls = 0;
  let loadedMs = 0;
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
      console.log(`/health answered ${ms(firstHealth)} after spawn${targetText(targets.healthMs)} (indexing ${body.indexing.state}, ${body.indexing.done.toLocaleString('en-US')}/${body.indexing.total.toLocaleString('en-US')})`);
    } else {
      worstHealth = Math.max(worstHealth, took);
      healthCalls++;
    }
    if (body.indexing.state === 'done') {
      loadedMs = since();
      loaded = true;
      // The loading figures; the file is read once the first calls have answered, so as not to delay them.
      server.signal('SIGUSR1');
      break;
    }
    await sleep(20);
  }
  const window = await firstWindow;
  if (window) {
    const partial = window.indexing ? `, partial: indexing ${window.indexing.done.toLocaleString('en-US')}/${window.indexing.total.toLocaleString('en-US')}` : '';
    console.log(`first /query window (limit 200, name order) ${ms(window.at)} after spawn${targetText(targets.firstWindowMs)} (${window.items} items of ${window.total.toLocaleString('en-US')}${partial})`);
  } else {
    console.log('first /query window: none with items before fully loaded');
  }
  console.log(`fully loaded ${ms(loadedMs)} after spawn, ${ms(loadedMs - firstHealth)} after /health first answered; server CPU by then ${ms(server.cpuMs())}`);
  console.log(`/health while loading: ${healthCalls} calls, slowest ${ms(worstHealth)}`);
  return { loadedMs };
}

interface Answer {
  took: number;
  body: { total?: number; population?: number[] };
}

async function call(url: string, w: Workload): Promise<Answer> {
  const t = performance.now();
  const response = await fetch(url + w.route, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(w.body) });
  const body = (await response.json()) as Answer['body'];
  if (!response.ok) throw new Error(`${w.route} ${response.status}: ${JSON.stringify(body)}`);
  return { took: performance.now() - t, body };
}

/** The cold first call of every workload, one after another, right after the load. */
async function firstCalls(url: string): Promise<(Answer & { workload: Workload })[]> {
  const out: (Answer & { workload: Workload })[] = [];
  for (const workload of WORKLOADS) out.push({ ...(await call(url, workload)), workload });
  return out;
}

async function measureQueries(url: string, firsts: (Answer & { workload: Workload })[], targets: Targets): Promise<void> {
  console.log(`| workload | first call | p50 | p95${targetText(targets.p95Ms, '<')} | total matches |`);
  console.log(`|---|---|---|---|---|`);
  for (const first of firsts) {
    const w = first.workload;
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push((await call(url, w)).took);
    times.sort((a, b) => a - b);
    const total = first.body.total ?? first.body.population?.reduce((a, b) => a + b, 0);
    console.log(`| ${w.route} ${w.name} | ${ms(first.took)} | ${ms(pct(times, 50))} | ${ms(pct(times, 95))} | ${total?.toLocaleString('en-US')} |`);
  }
}

function targetText(value: number | undefined, relation = '≤', format: (v: number) => string = ms): string {
  return value === undefined ? '' : ` (target ${relation} ${format(value)})`;
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function mb(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MB`;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

function sleep(msec: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, msec));
}
