/**
 * `npm run bench -- query`: the table bench's /query and /histogram workloads run in process
 * against the listing engine the routes use, over a Catalog of QUERY_ROWS rows (default 1M;
 * `QUERY_ROWS=10000000` for the 10M target) filled like the bench table (1,000 shard folders,
 * width/height/added, 20 metrics with 5% missing). No HTTP and no Parquet: what is timed is the
 * engine alone. Per workload: the first call (wall and CPU), p50/p95 of RUNS more, and the longest
 * stretch the event loop was held (CPU between two turns of a 1 ms timer, which other processes
 * on a shared machine do not stretch, and wall). `QUERY_SRC` points the import at another copy of
 * src/server (a before/after comparison in one sitting).
 */
import { readFileSync } from 'node:fs';
import { cpuUsage, memoryUsage } from 'node:process';
import { pathToFileURL } from 'node:url';

import { type Workload, WORKLOADS } from './table-workloads.js';

const RUNS = 40;


interface Engine {
  warm(): Promise<void>;
  prepare(sort: { key: string; seed?: number }): Promise<void>;
  query(body: unknown): { total: number };
  /** What the route awaits when the engine has it (a first window need not wait for a build). */
  ready?(sort: { key: string; seed?: number }, window: { offset: number; limit: number }): Promise<void>;
  histogram(body: unknown): { population: number[] };
}

function rng(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = cpuUsage(from);
  return (d.user + d.system) / 1000;
};
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const fmt = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The longest stretch between two turns of a 1 ms timer while `work` runs: CPU and wall. */
async function held<T>(work: () => Promise<T>): Promise<{ value: T; cpu: number; wall: number }> {
  let cpu = 0;
  let wall = 0;
  let lastCpu = cpuUsage();
  let lastWall = performance.now();
  const timer = setInterval(() => {
    cpu = Math.max(cpu, cpuMs(lastCpu));
    wall = Math.max(wall, performance.now() - lastWall);
    lastCpu = cpuUsage();
    lastWall = performance.now();
  }, 1);
  lastCpu = cpuUsage();
  lastWall = performance.now();
  const value = await work();
  await new Promise((resolve) => setTimeout(resolve, 2)); // lets the timer see a stretch that ended the work
  clearInterval(timer);
  return { value, cpu, wall };
}

export async function run(): Promise<void> {
  const rows = Number(process.env.QUERY_ROWS ?? process.env.ORDER_ROWS ?? 1_000_000);
  const src = process.env.QUERY_SRC ?? new URL('../src/server', import.meta.url).pathname;
  const { Catalog } = (await import(pathToFileURL(`${src}/catalog/catalog.ts`).href)) as typeof import('../src/server/catalog/catalog.js');
  const { QueryEngine } = (await import(pathToFileURL(`${src}/query/query-engine.ts`).href)) as { QueryEngine: new (options: object) => Engine };
  const { DEFAULT_SORT } = (await import(pathToFileURL(`${src}/query/order-book.ts`).href)) as { DEFAULT_SORT: { key: string } };
  const { NO_LABELS } = await import('../src/server/labels/label-lookup.js');
  const { histogramBodySchema, queryBodySchema } = await import('../src/protocol/query.js');
  console.log(`query engine over ${rows.toLocaleString('en-US')} rows × 20 metrics from ${src}, load ${load()}`);

  let from = cpuUsage();
  let t = performance.now();
  const catalog = new Catalog();
  catalog.reserve(rows);
  catalog.reservePaths(rows);
  const rand = rng(12345);
  const start = Date.parse('2025-01-01T00:00:00Z');
  for (let i = 0; i < rows; i++) {
    catalog.insertNew({
      path: `/shard_${String(i % 1000).padStart(4, '0')}/img_${String(i).padStart(7, '0')}.jpg`,
      type: 'image/jpeg',
      w: 256 + Math.floor(rand() * 3840),
      h: 256 + Math.floor(rand() * 2160),
      addedMs: start + Math.floor(rand() * 365 * 86400_000),
    });
  }
  const column = new Float64Array(rows);
  for (let m = 0; m < 20; m++) {
    for (let i = 0; i < rows; i++) column[i] = rand() < 0.05 ? NaN : m % 2 === 0 ? rand() : rand() * 100;
    catalog.setMetricColumn(`metric_${String(m).padStart(2, '0')}`, column);
  }
  console.log(`filled in ${fmt(cpuMs(from))} CPU (${fmt(performance.now() - t)} wall), RSS ${(memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);

  const engine = new QueryEngine({ catalog, labels: NO_LABELS, labelRevision: () => 0 });
  from = cpuUsage();
  t = performance.now();
  const warm = await held(() => engine.warm());
  console.log(`warm (name + added orders): ${fmt(cpuMs(from))} CPU, ${fmt(performance.now() - t)} wall, longest held ${fmt(warm.cpu)} CPU / ${fmt(warm.wall)} wall, load ${load()}`);

  // What the routes do (src/server/http/query-routes.ts).
  const call = async (w: Workload): Promise<number> => {
    if (w.route === '/histogram') {
      const h = engine.histogram(histogramBodySchema.parse(w.body));
      return h.population.reduce((a, b) => a + b, 0);
    }
    const body = queryBodySchema.parse(w.body);
    if (engine.ready) await engine.ready(body.sort ?? DEFAULT_SORT, body);
    else await engine.prepare(body.sort ?? DEFAULT_SORT);
    return engine.query(body).total;
  };

  console.log(`\n| workload | first call wall | first CPU | first held CPU/wall | p50 | p95 | held CPU/wall (runs) | matches |`);
  console.log(`|---|---|---|---|---|---|---|---|`);
  for (const w of WORKLOADS) {
    await turn();
    from = cpuUsage();
    t = performance.now();
    const first = await held(() => call(w));
    const firstWall = performance.now() - t;
    const firstCpu = cpuMs(from);
    const times: number[] = [];
    const runs = await held(async () => {
      for (let i = 0; i < RUNS; i++) {
        await turn(); // each request on its own turn, as HTTP requests come
        const s = performance.now();
        await call(w);
        times.push(performance.now() - s);
      }
    });
    times.sort((a, b) => a - b);
    console.log(
      `| ${w.route} ${w.name} | ${fmt(firstWall)} | ${fmt(firstCpu)} | ${fmt(first.cpu)} / ${fmt(first.wall)} | ${fmt(pct(times, 50))} | ${fmt(pct(times, 95))} | ${fmt(runs.cpu)} / ${fmt(runs.wall)} | ${first.value.toLocaleString('en-US')} |`,
    );
  }
  console.log(`RSS ${(memoryUsage().rss / 2 ** 20).toFixed(0)} MB, load ${load()}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await run();
