import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A table with embeddings, written by DuckDB (as users' tables are): `image` (relative paths,
 * no files needed to list and search), `shard` (a metric: 0–9), `emb` FLOAT[dim] (Arrow's
 * FIXED_SIZE_LIST in Parquet), `emb_list` FLOAT[] of the same vectors but row 3 null and row 300
 * one value short (past the rows sampled to find the length), and `pair` FLOAT[] of varying length (not an embedding). Vectors are clustered:
 * row i is centre (i % 10) plus noise, so neighbours are known.
 */
export async function embeddingTable(rows: number, dim: number, rowGroupSize = 2048): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-emb-'));
  const file = path.join(dir, 'emb.parquet');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  // Draws from hash(): the same file whatever the thread count.
  const u = (k: string) => `((hash(${k}) >> 32)::DOUBLE / 4294967296 - 0.5)`;
  const value = (d: number) => `(${u(`(i % 10) * 7919 + ${d}`)} + 0.4 * ${u(`i * 4096 + ${d} + 1000003`)})::FLOAT`;
  const vector = `[${Array.from({ length: dim }, (_, d) => value(d)).join(', ')}]`;
  try {
    await connection.run(`COPY (
      SELECT 'shard_' || (i % 10) || '/img_' || lpad(i::VARCHAR, 6, '0') || '.jpg' AS image,
             (i % 10)::DOUBLE AS shard,
             ${vector}::FLOAT[${dim}] AS emb,
             CASE WHEN i = 3 THEN NULL WHEN i = 300 THEN ${vector}[1:${dim - 1}] ELSE ${vector} END AS emb_list,
             CASE WHEN i % 2 = 0 THEN [1.0::FLOAT] ELSE [1.0::FLOAT, 2.0::FLOAT] END AS pair
      FROM range(${rows}) t(i)
    ) TO '${file}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${rowGroupSize})`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return file;
}
