import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SchemaElement } from 'hyparquet';
import { parquetWriteFile } from 'hyparquet-writer';

export const BENCH_ROWS = 1_000_000;
export const BENCH_METRICS = 20;
/** Up to this many rows the table is written by hyparquet-writer (the file every earlier 1M figure was measured on). */
const JS_WRITER_MAX_ROWS = 1_000_000;

/** Row count for a table bench run: `LENSLET_BENCH_TABLE_ROWS` (digits, `_` allowed, or `10m`/`500k`), else 1M. */
export function benchRows(): number {
  const raw = process.env.LENSLET_BENCH_TABLE_ROWS?.trim().toLowerCase().replaceAll('_', '');
  if (!raw) return BENCH_ROWS;
  const match = /^(\d+)([km]?)$/.exec(raw);
  if (!match) throw new Error(`LENSLET_BENCH_TABLE_ROWS: expected a row count like 10000000 or 10m, got ${raw}`);
  return Number(match[1]) * (match[2] === 'm' ? 1_000_000 : match[2] === 'k' ? 1_000 : 1);
}

/**
 * The bench table: a relative image path `shard_NNNN/img_NNNNNNN.jpg` in 1,000 folders, width and
 * height (INT32), a millisecond timestamp in 2025, and 20 DOUBLE metrics with 5% nulls (even ones
 * in [0, 1), odd ones in [0, 100)); snappy, row groups of 122,880. Generated once into
 * os.tmpdir()/lenslet-bench-cache/ and reused. Up to 1M rows hyparquet-writer writes it; larger
 * tables are written by DuckDB (same schema and distributions, different pseudo-random values)
 * because building 10M rows of JS arrays first does not fit in memory comfortably.
 */
export async function benchTablePath(rows = BENCH_ROWS): Promise<string> {
  const dir = path.join(os.tmpdir(), 'lenslet-bench-cache');
  const file = path.join(dir, `table-${rows}x${BENCH_METRICS}.parquet`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    if (rows <= JS_WRITER_MAX_ROWS) writeWithHyparquet(tmp, rows);
    else await writeWithDuckDb(tmp, rows);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  return file;
}

function writeWithHyparquet(file: string, rows: number): void {
  let seed = 12345;
  const rand = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const image: string[] = new Array(rows);
  const width = new Int32Array(rows);
  const height = new Int32Array(rows);
  const added: Date[] = new Array(rows);
  const start = Date.parse('2025-01-01T00:00:00Z');
  for (let i = 0; i < rows; i++) {
    image[i] = `shard_${String(i % 1000).padStart(4, '0')}/img_${String(i).padStart(7, '0')}.jpg`;
    width[i] = 256 + Math.floor(rand() * 3840);
    height[i] = 256 + Math.floor(rand() * 2160);
    added[i] = new Date(start + Math.floor(rand() * 365 * 86400_000));
  }
  const metrics = Array.from({ length: BENCH_METRICS }, (_, m) => {
    const values: (number | null)[] = new Array(rows);
    for (let i = 0; i < rows; i++) values[i] = rand() < 0.05 ? null : m % 2 === 0 ? rand() : rand() * 100;
    return { name: metricName(m), data: values };
  });
  const schema: SchemaElement[] = [
    { name: 'root', num_children: 4 + BENCH_METRICS },
    { name: 'image', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'width', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'height', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'added', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'REQUIRED' },
    ...metrics.map((m): SchemaElement => ({ name: m.name, type: 'DOUBLE', repetition_type: 'OPTIONAL' })),
  ];
  parquetWriteFile({
    filename: file,
    schema,
    rowGroupSize: 122_880, // DuckDB's default row group size
    columnData: [
      { name: 'image', data: image },
      { name: 'width', data: width },
      { name: 'height', data: height },
      { name: 'added', data: added },
      ...metrics,
    ],
  });
}

/**
 * DuckDB writes the table straight from `range(rows)`: draw k of row i is `hash(i * 64 + k)`
 * scaled to [0, 1), so the file is the same whatever the thread count. Differences from the
 * hyparquet-written file, none of which changes what Lenslet reads: DuckDB writes every column
 * OPTIONAL (it drops NOT NULL; image, width, height and added simply hold no nulls), width/height
 * carry INT_32 and `added` (TIMESTAMP_MS) is INT64 TIMESTAMP_MILLIS with the TIMESTAMP(MILLIS,
 * not adjusted to UTC) logical type, which hyparquet reads as a Date like the other.
 */
async function writeWithDuckDb(file: string, rows: number): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  // 32-bit draws like the JS writer's generator (so the doubles compress alike); hash(i, k) would
  // correlate neighbouring k (it leaves gaps where a value meets its null draw).
  const u = (k: number) => `(hash(i * 64 + ${k}) >> 32)::DOUBLE / 4294967296`;
  const metrics = Array.from({ length: BENCH_METRICS }, (_, m) => {
    const value = m % 2 === 0 ? u(10 + 2 * m) : `${u(10 + 2 * m)} * 100`;
    return `CASE WHEN ${u(11 + 2 * m)} < 0.05 THEN NULL ELSE ${value} END AS ${metricName(m)}`;
  });
  const start = Date.parse('2025-01-01T00:00:00Z');
  const select = [
    `'shard_' || lpad((i % 1000)::VARCHAR, 4, '0') || '/img_' || lpad(i::VARCHAR, 7, '0') || '.jpg' AS image`,
    `(256 + floor(${u(1)} * 3840))::INTEGER AS width`,
    `(256 + floor(${u(2)} * 2160))::INTEGER AS height`,
    `epoch_ms((${start} + floor(${u(3)} * ${365 * 86400_000}))::BIGINT)::TIMESTAMP_MS AS added`,
    ...metrics,
  ].join(', ');
  try {
    // Streams from range() (insertion order is preserved), so the rows never sit in memory at once.
    await connection.run(`COPY (SELECT ${select} FROM range(${rows}) t(i)) TO '${file.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const metricName = (m: number) => `metric_${String(m).padStart(2, '0')}`;
