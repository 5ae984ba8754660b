import { existsSync, mkdirSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SchemaElement } from 'hyparquet';
import { parquetWriteFile } from 'hyparquet-writer';

export const BENCH_ROWS = 1_000_000;
export const BENCH_METRICS = 20;

/**
 * The 1M-row bench table: a relative image path in 1,000 folders, width, height, a timestamp and
 * 20 metric columns with 5% nulls. Generated once into os.tmpdir() and reused.
 */
export function benchTablePath(rows = BENCH_ROWS): string {
  const dir = path.join(os.tmpdir(), 'lenslet-bench-cache');
  const file = path.join(dir, `table-${rows}x${BENCH_METRICS}.parquet`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
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
    return { name: `metric_${String(m).padStart(2, '0')}`, data: values };
  });
  const schema: SchemaElement[] = [
    { name: 'root', num_children: 4 + BENCH_METRICS },
    { name: 'image', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'width', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'height', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'added', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'REQUIRED' },
    ...metrics.map((m): SchemaElement => ({ name: m.name, type: 'DOUBLE', repetition_type: 'OPTIONAL' })),
  ];
  const tmp = `${file}.tmp-${process.pid}`;
  parquetWriteFile({
    filename: tmp,
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
  renameSync(tmp, file);
  return file;
}
