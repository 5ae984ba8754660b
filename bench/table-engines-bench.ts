/**
 * The candidates for table mode (issue 15), each loading the bench table in a child process of its
 * own (bench/engine-child.mjs), at 1M and 10M rows (or only LENSLET_BENCH_TABLE_ROWS when set):
 * DuckDB in memory (CTAS load, then prepared windows and histograms, 40 runs each), hyparquet's
 * public reader decoding every column, and Lenslet's own column reader. Lenslet as a server is the
 * table bench (`npm run bench -- table`). parquet-wasm + apache-arrow are measured only when they
 * are installed; they are not dependencies today.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { buildServer } from './child-lenslet.js';
import { type EngineMode, type EngineReport, runEngine } from './engine-run.js';
import { benchRows, benchTablePath } from './table-fixture.js';

const SIZES = [1_000_000, 10_000_000];
const ENGINES: { mode: EngineMode; name: string }[] = [
  { mode: 'duckdb', name: 'DuckDB in memory (CTAS)' },
  { mode: 'hyparquet', name: 'hyparquet, public reader, all columns → typed arrays' },
  { mode: 'lenslet-reader', name: "Lenslet's column reader (dist), all columns" },
];

export async function run(): Promise<void> {
  const sizes = process.env.LENSLET_BENCH_TABLE_ROWS ? [benchRows()] : SIZES;
  buildServer(); // the lenslet-reader child imports dist
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}; load average ${loadAverage()}`);
  const missing = ['parquet-wasm', 'apache-arrow'].filter((name) => !existsSync(join(import.meta.dirname, '..', 'node_modules', name)));
  if (missing.length) console.log(`parquet-wasm + apache-arrow: skipped, not installed (${missing.join(', ')} missing from node_modules)`);
  const rows: { size: number; name: string; report: EngineReport }[] = [];
  for (const size of sizes) {
    const table = await benchTablePath(size);
    console.log(`\n${size.toLocaleString('en-US')} rows: ${(statSync(table).size / 2 ** 20).toFixed(0)} MB at ${table}`);
    for (const engine of ENGINES) {
      const report = await runEngine(engine.mode, table);
      rows.push({ size, name: engine.name, report });
      console.log(`  ${engine.name}: load ${ms(report.loadMs)} (CPU ${ms(report.loadCpuMs ?? report.cpuMs)}), peak RSS ${mb(report.loadPeakRssKb ?? report.peakRssKb)}; in all CPU ${ms(report.cpuMs)}, peak RSS ${mb(report.peakRssKb)} (load average ${loadAverage()})`);
      for (const q of report.queries ?? []) console.log(`    ${q.name}: first ${ms(q.first)}, p50 ${ms(q.p50)}, p95 ${ms(q.p95)} (${q.rows} rows)`);
    }
  }
  const p95 = (r: EngineReport, i: number) => (r.queries?.[i] ? ms(r.queries[i].p95) : '—');
  console.log('\n| engine | rows | load | load CPU | peak RSS after load | peak RSS | window: metric_00 ≥ 0.5, desc, p95 | window: 2 ranges + width, added desc, offset 10k, p95 | window: metric_07 asc, no filter, p95 | histogram 40 bins, no filter, p95 | histogram 40 bins, 1 filter, p95 |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { size, name, report: r } of rows) {
    const loadCpu = r.loadCpuMs ?? r.cpuMs;
    const loadRss = r.loadPeakRssKb ?? r.peakRssKb;
    console.log(`| ${name} | ${size / 1_000_000}M | ${ms(r.loadMs)} | ${ms(loadCpu)} | ${mb(loadRss)} | ${mb(r.peakRssKb)} | ${p95(r, 0)} | ${p95(r, 1)} | ${p95(r, 2)} | ${p95(r, 3)} | ${p95(r, 4)} |`);
  }
  console.log('\nLenslet as a server (load, indexes, HTTP + JSON answers): `npm run bench -- table` / `table10m`.');
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

function mb(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MB`;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}
