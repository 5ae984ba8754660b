/**
 * `npm run bench -- activity` (issue 14): `GET /activity` pages at ACTIVITY_ROWS catalog rows
 * (default 1M, in 1,000 folders under 10 groups) over a real SQLite label store on disk holding a
 * log of ACTIVITY_EVENTS label writes (default 150k, all kept). In process, no HTTP: what is timed
 * is what the route runs. Reports, with CPU time (process.cpuUsage) beside wall time since the
 * machine is shared:
 * - the progress service's start (counters, journal and activity index from the log), and RSS;
 * - a page (50 entries) p50/p95 and CPU per call for the root, a group (subtree), one folder
 *   flat, one folder's oldest page, beside the naive way: walking the log backwards from its head
 *   until 50 entries of that folder are found;
 * - the index's own cost per event (add) at 1M events.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuUsage, memoryUsage } from 'node:process';
import { pathToFileURL } from 'node:url';
import { parentPath } from '../src/protocol/paths.js';
import { Catalog } from '../src/server/catalog/catalog.js';
import { ChangeFeed } from '../src/server/events/change-feed.js';
import { createLabelStore } from '../src/server/labels/create-label-store.js';
import { LabelService } from '../src/server/labels/label-service.js';
import type { LabelWrite } from '../src/server/labels/label-store.js';
import { ActivityIndex } from '../src/server/progress/activity-index.js';
import { ProgressService } from '../src/server/progress/progress-service.js';
import { SqliteDocumentBackend } from '../src/server/progress/sqlite-document-backend.js';
import { QueryEngine } from '../src/server/query/query-engine.js';

const ROWS = Number(process.env.ACTIVITY_ROWS ?? 1_000_000);
const EVENTS = Number(process.env.ACTIVITY_EVENTS ?? 150_000);
const FOLDERS = 1000;
const PEOPLE = ['ann', 'bob', 'cy', 'dee', 'eve'];
const RUNS = 100;
const LIMIT = 50;

const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = cpuUsage(from);
  return (d.user + d.system) / 1000;
};
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(2)} ms`);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const folderOf = (i: number) => `/g_${String(i % 10).padStart(2, '0')}/shard_${String(i % FOLDERS).padStart(4, '0')}`;
const pathOf = (i: number) => `${folderOf(i)}/img_${String(i).padStart(7, '0')}.jpg`;

function rng(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lenslet-activity-bench-'));
  try {
    await measure(join(dir, 'labels.sqlite'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  indexCost();
}

async function measure(dbPath: string): Promise<void> {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, load ${load()}`);
  const rand = rng(11);
  const catalog = new Catalog();
  catalog.reserve(ROWS);
  for (let i = 0; i < ROWS; i++) catalog.insertNew({ path: pathOf(i), type: 'image/jpeg', w: 256, h: 256 });

  let store = createLabelStore(dbPath, { eventRetention: EVENTS }, 'main');
  const now = Date.now();
  for (let start = 0; start < EVENTS; start += 5000) {
    const writes: LabelWrite[] = [];
    for (let i = start; i < Math.min(EVENTS, start + 5000); i++) {
      const at = new Date(now - Math.floor(rand() * 7 * 86_400_000)).toISOString();
      writes.push({ path: pathOf(Math.floor(rand() * ROWS)), expected_version: null, patch: { set_star: 1 + (i % 5) }, updated_at: at, updated_by: PEOPLE[i % PEOPLE.length]! });
    }
    await store.commit([{ writes }], now);
  }
  await store.close();
  console.log(`catalog ${ROWS.toLocaleString('en-US')} rows in ${FOLDERS} folders (10 groups); log of ${EVENTS.toLocaleString('en-US')} label writes`);

  store = createLabelStore(dbPath, { eventRetention: EVENTS }, 'main');
  const feed = new ChangeFeed();
  const labels = await LabelService.open({ store, feed, itemExists: (path) => catalog.idOf(path) !== undefined });
  const query = new QueryEngine({ catalog, labels, labelRevision: () => labels.revision });
  const views = { find: () => undefined, version: 1 };
  const rss = memoryUsage().rss;
  let from = cpuUsage();
  let t = performance.now();
  const progress = await ProgressService.open({ labels, feed, catalog, query, views, backend: new SqliteDocumentBackend(null) });
  await progress.ready;
  console.log(
    `progress start (counters, journal and activity index from the log): ${fmt(cpuMs(from))} CPU, ${fmt(performance.now() - t)} wall; ` +
      `index ${progress.activityIndex.size.toLocaleString('en-US')} events in ${(progress.activityIndex.bytes / 2 ** 20).toFixed(1)} MB; RSS +${((memoryUsage().rss - rss) / 2 ** 20).toFixed(0)} MB`,
  );

  const folder = folderOf(42);
  // The oldest page of one folder: `before` its 60th oldest event.
  const all = await progress.activity({ path: folder, recursive: false, before: null, limit: 200 });
  let oldest = all.next_before;
  while (oldest !== null) {
    const next = await progress.activity({ path: folder, recursive: false, before: oldest, limit: 200 });
    if (next.next_before === null) break;
    oldest = next.next_before;
  }
  const workloads = [
    { name: 'root, recursive', q: { path: '/', recursive: true, before: null } },
    { name: 'a group (100 folders)', q: { path: '/g_02', recursive: true, before: null } },
    { name: 'one folder, flat', q: { path: folder, recursive: false, before: null } },
    { name: 'one folder, its oldest pages', q: { path: folder, recursive: false, before: oldest } },
  ];
  console.log(`\n| GET /activity (limit ${LIMIT}) | p50 | p95 | CPU per call | entries |`);
  console.log('|---|---|---|---|---|');
  for (const w of workloads) {
    const times: number[] = [];
    let entries = 0;
    from = cpuUsage();
    for (let i = 0; i < RUNS; i++) {
      await turn();
      const s = performance.now();
      entries = (await progress.activity({ ...w.q, limit: LIMIT })).entries.length;
      times.push(performance.now() - s);
    }
    const perCall = cpuMs(from) / RUNS;
    times.sort((a, b) => a - b);
    console.log(`| ${w.name} | ${fmt(pct(times, 50))} | ${fmt(pct(times, 95))} | ${fmt(perCall)} | ${entries} |`);
  }

  // The naive way, for scale: pages of 2,000 read backwards from the head until 50 of the folder's.
  const head = await store.currentEventId();
  from = cpuUsage();
  t = performance.now();
  let found = 0;
  let read = 0;
  for (let end = head; end > 0 && found < LIMIT; end -= 2000) {
    const page = await store.changesSince(Math.max(0, end - 2000), 2000);
    read += page.events.length;
    for (const e of page.events) if (parentPath(e.path) === folder) found++;
  }
  console.log(`| one folder, walking the log back (naive) | ${fmt(performance.now() - t)} | | ${fmt(cpuMs(from))} | ${found} (${read.toLocaleString('en-US')} events read) |`);

  await progress.close();
  await labels.close();
  console.log(`RSS ${(memoryUsage().rss / 2 ** 20).toFixed(0)} MB, load ${load()}`);
}

/** What the index costs per event on the write path, at 1M events (4 levels each). */
function indexCost(): void {
  const index = new ActivityIndex(1_000_000);
  const paths = Array.from({ length: 10_000 }, (_, i) => `/a${i % 10}/b${i % 100}/c${i % 1000}/img${i}.jpg`);
  const from = cpuUsage();
  for (let id = 1; id <= 1_000_000; id++) index.add(id, [paths[id % paths.length]!]);
  const cpu = cpuMs(from);
  console.log(
    `\nindex: 1M adds (3 levels below the root) ${fmt(cpu)} CPU = ${((cpu * 1000) / 1_000_000).toFixed(2)} µs per event; ` +
      `${(index.bytes / 2 ** 20).toFixed(0)} MB of lists for its ${index.size.toLocaleString('en-US')} events`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await run();
