/**
 * `npm run bench -- stats` (issue 14): team progress at STATS_ROWS catalog rows (default 1M, in
 * 1,000 folders), over a real SQLite label store on disk (WAL, synchronous=FULL) holding
 * LABELED rows and a log of PREFILL_EVENTS label writes by five people. In process, no HTTP: what
 * is timed is what `POST /stats` runs. Reports, with CPU time (process.cpuUsage) beside wall time
 * since the machine is shared:
 * - the progress service's start at that size (counters from the projection, edits from the log);
 * - `POST /stats` p50/p95 and CPU per call per workload (root, one folder, and filters at the
 *   root: stars, tags, flags, unrated, a metric range, text; a width range in one folder), and for
 *   the filtered ones the CPU of a call right after a label write (the label index patched);
 * - durable writes/s through the label service (16 writers, group commit) without and with the
 *   counters attached, alternating, in the same run, with server CPU per write.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuUsage, memoryUsage } from 'node:process';
import { pathToFileURL } from 'node:url';
import { Catalog } from '../src/server/catalog/catalog.js';
import { ChangeFeed } from '../src/server/events/change-feed.js';
import { createLabelStore } from '../src/server/labels/create-label-store.js';
import { LabelService } from '../src/server/labels/label-service.js';
import type { LabelWrite } from '../src/server/labels/label-store.js';
import { ProgressService } from '../src/server/progress/progress-service.js';
import { SqliteDocumentBackend } from '../src/server/progress/sqlite-document-backend.js';
import { QueryEngine } from '../src/server/query/query-engine.js';
import { statsBodySchema } from '../src/protocol/progress.js';

const ROWS = Number(process.env.STATS_ROWS ?? 1_000_000);
const FOLDERS = 1000;
const LABELED = Math.round(ROWS * 0.3);
const PREFILL_EVENTS = 100_000;
const PEOPLE = ['ann', 'bob', 'cy', 'dee', 'eve'];
const RUNS = Number(process.env.STATS_RUNS ?? 200);
const AFTER_WRITE_RUNS = 20;
const WRITERS = 16;
const PHASE_MS = 4000;
const TAGS = ['cat', 'dog', 'car', 'tree', 'sky', 'sea', 'face', 'text'];

const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = cpuUsage(from);
  return (d.user + d.system) / 1000;
};
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(2)} ms`);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const pathOf = (i: number) => `/shard_${String(i % FOLDERS).padStart(4, '0')}/img_${String(i).padStart(7, '0')}.jpg`;

function rng(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lenslet-stats-bench-'));
  try {
    await measure(join(dir, 'labels.sqlite'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(dbPath: string): Promise<void> {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, load ${load()}`);
  const rand = rng(7);
  const catalog = new Catalog();
  catalog.reserve(ROWS);
  for (let i = 0; i < ROWS; i++) catalog.insertNew({ path: pathOf(i), type: 'image/jpeg', w: 256 + (i % 4000), h: 256 + (i % 2000) });
  const score = new Float64Array(ROWS);
  for (let i = 0; i < ROWS; i++) score[i] = rand();
  catalog.setMetricColumn('score', score);

  // The store as a team would leave it: LABELED rows (a seed: no events), then a log of writes.
  let store = createLabelStore(dbPath, { eventRetention: PREFILL_EVENTS }, 'main');
  const stamp = { updated_at: new Date().toISOString(), updated_by: 'table' };
  for (let start = 0; start < LABELED; start += 20_000) {
    const rows = [];
    for (let i = start; i < Math.min(LABELED, start + 20_000); i++) {
      rows.push({ path: pathOf(Math.floor((i * ROWS) / LABELED)), tags: TAGS.filter(() => rand() < 0.2), notes: '', star: rand() < 0.5 ? 1 + Math.floor(rand() * 5) : null, flag: rand() < 0.1 ? ('pick' as const) : null });
    }
    await store.seedDefaults(rows, stamp);
  }
  const now = Date.now();
  for (let start = 0; start < PREFILL_EVENTS; start += 5000) {
    const writes: LabelWrite[] = [];
    for (let i = start; i < start + 5000; i++) {
      const at = new Date(now - Math.floor(rand() * 7 * 86_400_000)).toISOString();
      writes.push({ path: pathOf(Math.floor(rand() * ROWS)), expected_version: null, patch: { set_star: 1 + (i % 5) }, updated_at: at, updated_by: PEOPLE[i % PEOPLE.length]! });
    }
    await store.commit([{ writes }], now);
  }
  await store.close();
  console.log(`catalog ${ROWS.toLocaleString('en-US')} rows in ${FOLDERS} folders; store: ${LABELED.toLocaleString('en-US')} labeled rows, ${PREFILL_EVENTS.toLocaleString('en-US')} label writes in the log`);

  store = createLabelStore(dbPath, { eventRetention: PREFILL_EVENTS }, 'main');
  const feed = new ChangeFeed();
  let from = cpuUsage();
  let t = performance.now();
  const labels = await LabelService.open({ store, feed, itemExists: (path) => catalog.idOf(path) !== undefined });
  console.log(`label service open (projection of every row): ${fmt(cpuMs(from))} CPU, ${fmt(performance.now() - t)} wall`);
  // As app.ts builds it: the label index follows each change of the projection (query L9).
  const query = new QueryEngine({
    catalog,
    labels,
    labelRevision: () => labels.revision,
    labelWatch: (changed) => labels.listen({ changed: (path) => changed(path), cleared: () => changed(undefined) }),
  });
  const views = { find: () => undefined, version: 1 };
  const open = () => ProgressService.open({ labels, feed, catalog, query, views, backend: new SqliteDocumentBackend(null) });

  const rss = memoryUsage().rss;
  from = cpuUsage();
  t = performance.now();
  let progress = await open();
  const countersMs = performance.now() - t;
  await progress.ready;
  console.log(
    `progress start: counters from the projection ${fmt(countersMs)} wall; with the log's ${progress.journal.size.toLocaleString('en-US')} edits ` +
      `${fmt(cpuMs(from))} CPU, ${fmt(performance.now() - t)} wall; ${progress.counters.folderCount} folders; RSS +${((memoryUsage().rss - rss) / 2 ** 20).toFixed(0)} MB`,
  );

  const workloads = [
    { name: 'root, recursive', body: { path: '/', recursive: true } },
    { name: 'one folder', body: { path: '/shard_0042', recursive: false } },
    { name: 'root, stars [5]', body: { path: '/', recursive: true, filters: [{ stars: [5] }] } },
    { name: 'root, tags_any [cat]', body: { path: '/', recursive: true, filters: [{ tags_any: ['cat'] }] } },
    { name: 'root, flags [pick]', body: { path: '/', recursive: true, filters: [{ flags: ['pick'] }] } },
    { name: 'root, stars [0] (unrated)', body: { path: '/', recursive: true, filters: [{ stars: [0] }] } },
    { name: 'root, metric score ≥ 0.9', body: { path: '/', recursive: true, filters: [{ metric: 'score', min: 0.9 }] } },
    { name: 'root, text "img_00012"', body: { path: '/', recursive: true, filters: [{ text: 'img_00012' }] } },
    { name: 'one folder, width > 2000', body: { path: '/shard_0042', recursive: true, filters: [{ width: { gt: 2000 } }] } },
  ];
  console.log('\n| POST /stats | first (wall / CPU) | p50 | p95 | CPU per call | CPU after a write | total | labeled |');
  console.log('|---|---|---|---|---|---|---|---|');
  let written = 0;
  for (const w of workloads) {
    const body = statsBodySchema.parse(w.body);
    await turn();
    from = cpuUsage();
    t = performance.now();
    const first = progress.stats(body);
    const firstWall = performance.now() - t;
    const firstCpu = cpuMs(from);
    const times: number[] = [];
    from = cpuUsage();
    for (let i = 0; i < RUNS; i++) {
      await turn();
      const s = performance.now();
      progress.stats(body);
      times.push(performance.now() - s);
    }
    const perCall = cpuMs(from) / RUNS;
    times.sort((a, b) => a - b);
    // A live server answers between writes: each write leaves the next filtered call a changed label to take in.
    let afterWrite = 0;
    if (body.filters?.length) {
      for (let i = 0; i < AFTER_WRITE_RUNS; i++) {
        const path = pathOf(Math.floor(rand() * ROWS));
        await labels.patchItem(path, { set_star: 1 + (i % 5), add_tags: [TAGS[i % TAGS.length]!] }, labels.peek(path)?.version ?? 1, { key: `stats-${++written}`, actor: PEOPLE[i % PEOPLE.length]! });
        await turn();
        const cpu = cpuUsage();
        progress.stats(body);
        afterWrite += cpuMs(cpu);
      }
    }
    const after = body.filters?.length ? fmt(afterWrite / AFTER_WRITE_RUNS) : '–';
    console.log(
      `| ${w.name} | ${fmt(firstWall)} / ${fmt(firstCpu)} | ${fmt(pct(times, 50))} | ${fmt(pct(times, 95))} | ${fmt(perCall)} | ${after} | ${first.total.toLocaleString('en-US')} | ${first.labeled.toLocaleString('en-US')} |`,
    );
  }

  console.log(`\n| durable writes (${WRITERS} writers, ${PHASE_MS / 1000} s) | writes/s | CPU µs per write | p95 latency |`);
  console.log('|---|---|---|---|');
  await progress.close();
  let key = 0;
  for (const counters of [false, true, false, true]) {
    if (counters) {
      progress = await open();
      // Its start (reading the log) is measured above; here only what each write costs.
      await progress.ready;
    }
    const latencies: number[] = [];
    let writes = 0;
    const end = performance.now() + PHASE_MS;
    from = cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        while (performance.now() < end) {
          const path = pathOf(Math.floor(rand() * ROWS));
          const base = labels.peek(path)?.version ?? 1;
          const s = performance.now();
          await labels.patchItem(path, { set_star: 1 + (writes % 5), add_tags: [TAGS[w % TAGS.length]!] }, base, { key: `bench-${++key}`, actor: PEOPLE[w % PEOPLE.length]! });
          latencies.push(performance.now() - s);
          writes++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuMs(from);
    latencies.sort((a, b) => a - b);
    console.log(`| ${counters ? 'with counters' : 'without counters'} | ${Math.round(writes / seconds).toLocaleString('en-US')} | ${((cpu * 1000) / writes).toFixed(0)} | ${fmt(pct(latencies, 95))} |`);
    if (counters) await progress.close();
  }
  await labels.close();
  console.log(`RSS ${(memoryUsage().rss / 2 ** 20).toFixed(0)} MB, load ${load()}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await run();
