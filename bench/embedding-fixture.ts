import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The similar bench's tables, written once by DuckDB into os.tmpdir()/lenslet-bench-cache/:
 * `image` (`shard_NNN/img_NNNNNNN.jpg`, 1,000 folders), `shard` (a metric, 0–999: `shard = 7`
 * keeps 0.1% of the rows, `shard < 100` 10%), and, unless `withVectors` is false, `emb`
 * FLOAT[dim]: 1,000 cluster centres plus noise (row i near centre i % 1000), from hash() so the
 * file is the same whatever the thread count. The file without `emb` is the "as fast as without"
 * reference.
 */
export async function embeddingBenchTable(rows: number, dim: number, withVectors = true): Promise<string> {
  const dir = path.join(os.tmpdir(), 'lenslet-bench-cache');
  const file = path.join(dir, withVectors ? `similar-${rows}x${dim}.parquet` : `similar-${rows}-plain.parquet`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  // One core: the machine is shared, and the file is written once.
  await connection.run('SET threads = 1');
  const u = (expr: string) => `((hash(${expr}) >> 32)::DOUBLE / 4294967296 - 0.5)`;
  const vector = `list_transform(range(${dim}), d -> (${u(`(i % 1000) * ${dim} + d`)} + 0.5 * ${u(`i * ${dim} + d + 1000000007`)})::FLOAT)::FLOAT[${dim}]`;
  const columns = [
    `'shard_' || lpad((i % 1000)::VARCHAR, 3, '0') || '/img_' || lpad(i::VARCHAR, 7, '0') || '.jpg' AS image`,
    `(i % 1000)::DOUBLE AS shard`,
    ...(withVectors ? [`${vector} AS emb`] : []),
  ];
  try {
    await connection.run(`COPY (SELECT ${columns.join(', ')} FROM range(${rows}) t(i)) TO '${tmp}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 16384)`);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
    connection.closeSync();
    instance.closeSync();
  }
  return file;
}
