/**
 * One engine loading (and querying) the bench table in a process of its own, so its time and peak
 * RSS are its alone: `node bench/engine-child.mjs <mode> <file.parquet>`, one JSON line on stdout.
 * Plain JS so no loader adds its own memory. Modes:
 * - duckdb-ctas: DuckDB in memory, `CREATE TABLE t AS SELECT * FROM read_parquet(file)` only.
 * - duckdb: the same load, then the bench's windows and histograms as prepared statements.
 * - hyparquet: hyparquet's public reader (with hyparquet-compressors, as Lenslet) decoding every
 *   column into typed arrays (numbers, times) and a string array (paths), row group by row group.
 * - lenslet-reader: Lenslet's own column reader (dist/server/datasets/parquet-reader.js) reading
 *   every column over every slice: today's decode floor, without the catalog and indexes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const RUNS = 40;
const [mode, file] = process.argv.slice(2);
const cpuAtStart = process.cpuUsage();

const peakRssKb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
const cpuMs = () => {
  const used = process.cpuUsage(cpuAtStart);
  return (used.user + used.system) / 1000;
};

const MODES = { 'duckdb-ctas': () => duckdb(false), duckdb: () => duckdb(true), hyparquet, 'lenslet-reader': lensletReader };
if (!MODES[mode] || !file) {
  console.error(`usage: engine-child.mjs <${Object.keys(MODES).join('|')}> <file.parquet>`);
  process.exit(2);
}
const report = await MODES[mode]();
process.stdout.write(`${JSON.stringify({ mode, ...report, peakRssKb: peakRssKb(), cpuMs: cpuMs() })}\n`);
process.exit(0);

async function duckdb(withQueries) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const started = performance.now();
  await connection.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`);
  const loadMs = performance.now() - started;
  const loadCpuMs = cpuMs();
  const loadPeakRssKb = peakRssKb();
  if (!withQueries) return { loadMs, loadCpuMs, loadPeakRssKb };
  // Lenslet keeps each metric's min/max from its load; so does this: the bin width is a parameter.
  const range = async (metric) => {
    const [[lo, hi]] = (await connection.runAndReadAll(`SELECT min(${metric}), max(${metric}) FROM t`)).getRowsJS();
    return [lo, (hi - lo) / 40];
  };
  const bin = (metric) => `least(39, floor((${metric} - $1) / $2))::INTEGER`;
  const workloads = [
    { name: 'metric_00 >= 0.5, ORDER BY metric_00 DESC LIMIT 200', sql: 'SELECT * FROM t WHERE metric_00 >= $1 ORDER BY metric_00 DESC LIMIT 200', params: [0.5] },
    {
      name: 'metric_02 in [0.2, 0.8], metric_03 <= 50, width >= 1024, ORDER BY added DESC OFFSET 10000 LIMIT 200',
      sql: 'SELECT * FROM t WHERE metric_02 BETWEEN $1 AND $2 AND metric_03 <= $3 AND width >= $4 ORDER BY added DESC LIMIT 200 OFFSET $5',
      params: [0.2, 0.8, 50, 1024, 10_000],
    },
    { name: 'ORDER BY metric_07 ASC NULLS LAST LIMIT 200 (no filter)', sql: 'SELECT * FROM t ORDER BY metric_07 ASC NULLS LAST LIMIT 200', params: [] },
    { name: 'histogram metric_09, 40 bins, no filter', sql: `SELECT ${bin('metric_09')} AS bin, count(*) FROM t WHERE metric_09 IS NOT NULL GROUP BY bin`, params: await range('metric_09') },
    {
      name: 'histogram metric_00, 40 bins, metric_03 <= 30',
      sql: `SELECT ${bin('metric_00')} AS bin, count(*) FROM t WHERE metric_00 IS NOT NULL AND metric_03 <= $3 GROUP BY bin`,
      params: [...(await range('metric_00')), 30],
    },
  ];
  const queries = [];
  for (const w of workloads) {
    const statement = await connection.prepare(w.sql);
    if (w.params.length) statement.bind(w.params);
    const call = async () => {
      const t = performance.now();
      const rows = (await statement.runAndReadAll()).getRowsJS();
      return { took: performance.now() - t, rows: rows.length };
    };
    const first = await call();
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push((await call()).took);
    times.sort((a, b) => a - b);
    queries.push({ name: w.name, first: first.took, p50: pct(times, 50), p95: pct(times, 95), rows: first.rows });
  }
  connection.closeSync();
  instance.closeSync();
  return { loadMs, loadCpuMs, loadPeakRssKb, queries };
}

async function hyparquet() {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const started = performance.now();
  const buffer = await asyncBufferFromFile(file);
  const metadata = await parquetMetadataAsync(buffer);
  const rows = Number(metadata.num_rows);
  const columns = new Map();
  for (const child of parquetSchema(metadata).children) {
    const e = child.element;
    columns.set(e.name, e.type === 'BYTE_ARRAY' ? new Array(rows) : e.type === 'INT32' ? new Int32Array(rows) : new Float64Array(rows));
  }
  let at = 0;
  for (const group of metadata.row_groups) {
    const rowStart = at;
    const rowEnd = at + Number(group.num_rows);
    await parquetRead({
      file: buffer,
      metadata,
      compressors,
      rowStart,
      rowEnd,
      onChunk({ columnName, columnData, rowStart: chunkStart, rowEnd: chunkEnd }) {
        const out = columns.get(columnName);
        const from = Math.max(chunkStart, rowStart);
        const to = Math.min(chunkEnd, rowEnd);
        for (let row = from; row < to; row++) {
          const v = columnData[row - chunkStart];
          out[row] = v === null || v === undefined ? (out instanceof Float64Array ? Number.NaN : null) : v instanceof Date ? v.getTime() : v;
        }
      },
    });
    at = rowEnd;
  }
  return { loadMs: performance.now() - started, rows, kept: columns.size };
}

async function lensletReader() {
  const reader = await import(pathToFileURL(join(import.meta.dirname, '..', 'dist/server/datasets/parquet-reader.js')).href);
  const started = performance.now();
  const table = await reader.openParquet(file);
  const kept = table.columns.map((c) => ({ column: c, parts: [] }));
  for (const slice of table.slices) {
    const read = await table.read(table.columns, slice.rowStart, slice.rowEnd);
    for (const k of kept) k.parts.push(read.columns.get(k.column.name));
  }
  await table.close();
  return { loadMs: performance.now() - started, rows: table.rowCount, kept: kept.length };
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
