import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { chunkStart } from './parquet-pages.js';
import { openParquetFile } from './parquet-reader.js';
import { type ByteReader, readStruct } from './parquet-thrift.js';
import { decodeVectorChunk, floatListColumns, readVectorGroup } from './parquet-vectors.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lenslet-vectors-'));
  dirs.push(dir);
  return path.join(dir, 'v.parquet');
}

type Row = (number | null)[] | null;

/** A LIST<FLOAT> column `emb` (the 3-level layout) written by hyparquet-writer: data pages v2. */
function writeLists(rows: Row[], options: { codec: 'SNAPPY' | 'UNCOMPRESSED'; pageSize: number; rowGroupSize: number }): string {
  const file = tempFile();
  parquetWriteFile({
    filename: file,
    schema: [
      { name: 'root', num_children: 1 },
      { name: 'emb', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'FLOAT', repetition_type: 'OPTIONAL' },
    ],
    codec: options.codec,
    pageSize: options.pageSize,
    rowGroupSize: options.rowGroupSize,
    columnData: [{ name: 'emb', data: rows as never[] }],
  });
  return file;
}

/**
 * Decodes every row group of `column` and checks it against hyparquet's own reader: a row has a
 * vector exactly when it holds `dim` non-null values, and then those values. Returns how many
 * pages were copied as one block, and how many data pages the column has.
 */
async function expectAsHyparquet(file: string, column: string, dim: number): Promise<{ blocks: number; pages: number; valid: number }> {
  const parquet = await openParquetFile(file);
  const { file: bytes, metadata, close } = parquet;
  try {
    const leaf = floatListColumns(metadata).find((l) => l.name === column)!;
    expect(leaf, column).toBeDefined();
    const expected: Row[] = [];
    await parquetRead({ file: bytes, metadata, compressors, columns: [column], onChunk: (c) => {
        // Chunks may come in any order: each is put at its rows.
        (c.columnData as Row[]).forEach((row, k) => {
          expected[c.rowStart + k] = row;
        });
      },
    });
    let blocks = 0;
    let pages = 0;
    let valid = 0;
    let first = 0;
    for (let g = 0; g < metadata.row_groups.length; g++) {
      const rows = Number(metadata.row_groups[g]!.num_rows);
      const out = new Float32Array(rows * dim);
      const ok = new Uint8Array(rows);
      await readVectorGroup(parquet, g, leaf, dim, out, ok);
      const meta = metadata.row_groups[g]!.columns.find((c) => c.meta_data?.path_in_schema[0] === column)!.meta_data!;
      const start = chunkStart(meta);
      const chunk = new Uint8Array(await bytes.slice(start, start + Number(meta.total_compressed_size)));
      for (const reader: ByteReader = { bytes: chunk, offset: 0 }; reader.offset < chunk.length; ) {
        const header = readStruct(reader);
        if (header.get(1) === 0 || header.get(1) === 3) pages++;
        reader.offset += header.get(3) as number;
      }
      try {
        blocks += decodeVectorChunk(chunk, meta, leaf, dim, new Float32Array(rows * dim), new Uint8Array(rows), compressors);
      } catch {
        // Pages the decoder leaves to hyparquet (a dictionary): readVectorGroup read them above.
      }
      for (let r = 0; r < rows; r++) {
        const row = expected[first + r];
        const whole = Array.isArray(row) && row.length === dim && row.every((x) => typeof x === 'number');
        expect({ row: first + r, valid: ok[r] }).toEqual({ row: first + r, valid: whole ? 1 : 0 });
        const got = Array.from(out.subarray(r * dim, (r + 1) * dim));
        expect(got).toEqual(whole ? row!.map((x) => Math.fround(x!)) : new Array(dim).fill(0));
        valid += ok[r]!;
      }
      first += rows;
    }
    return { blocks, pages, valid };
  } finally {
    await close();
  }
}

const DIM = 16;
function vectorRow(i: number, dim = DIM): number[] {
  return Array.from({ length: dim }, (_, d) => Math.fround(Math.sin(i * 31 + d) * 0.7));
}

describe('embedding column pages', () => {
  for (const codec of ['SNAPPY', 'UNCOMPRESSED'] as const) {
    it(`[EM11] copies pages of whole rows as one block and decodes the others value by value, as hyparquet reads them (v2 pages, ${codec})`, async () => {
      const rows: Row[] = Array.from({ length: 900 }, (_, i) => vectorRow(i));
      rows[5] = null;
      rows[6] = [];
      rows[100] = vectorRow(100).slice(1);
      rows[200] = [...vectorRow(200), 0.5];
      rows[300] = vectorRow(300).map((x, d) => (d === 7 ? null : x));
      rows[899] = null;
      // ~64 rows a page, 3 row groups.
      const file = writeLists(rows, { codec, pageSize: 4096, rowGroupSize: 400 });
      const { blocks, pages, valid } = await expectAsHyparquet(file, 'emb', DIM);
      expect(valid).toBe(900 - 6);
      // Pages holding an odd row (5 and 6 share one) are decoded value by value; the others are copied whole.
      expect(pages).toBeGreaterThan(10);
      expect(blocks).toBe(pages - 5);
    });
  }

  it('[EM11] reads dictionary-encoded floats through hyparquet, with the same rows', async () => {
    const rows: Row[] = Array.from({ length: 300 }, (_, i) => Array.from({ length: DIM }, (_, d) => [0.5, -0.25, 1][(i + d) % 3]!));
    rows[10] = null;
    rows[20] = rows[20]!.slice(2);
    const file = writeLists(rows, { codec: 'SNAPPY', pageSize: 4096, rowGroupSize: 1000 });
    const { metadata, close } = await openParquetFile(file);
    const encodings = metadata.row_groups[0]!.columns[0]!.meta_data!.encodings;
    await close();
    expect(encodings.some((e) => e.includes('DICTIONARY'))).toBe(true);
    const { blocks, valid } = await expectAsHyparquet(file, 'emb', DIM);
    expect(blocks).toBe(0);
    expect(valid).toBe(298);
  });

  it('[EM11] reads DuckDB files (data pages v1): FLOAT[n] copied whole, FLOAT[] with null rows, null values and other lengths', async () => {
    const file = tempFile();
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const value = (d: number) => `(sin(i * 31 + ${d}) * 0.7)::FLOAT`;
    const vector = `[${Array.from({ length: DIM }, (_, d) => value(d)).join(', ')}]`;
    try {
      await connection.run(`COPY (
        SELECT ${vector}::FLOAT[${DIM}] AS fixed,
               CASE WHEN i = 3 THEN NULL WHEN i = 40 THEN []::FLOAT[] WHEN i = 300 THEN ${vector}[1:${DIM - 1}]
                    WHEN i = 301 THEN list_concat(${vector}, [1.0::FLOAT]) WHEN i = 777 THEN list_concat([NULL::FLOAT], ${vector}[2:${DIM}])
                    ELSE ${vector} END AS ragged
        FROM range(3000) t(i)
      ) TO '${file}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1024)`);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    // DuckDB rounds row groups up to 2,048 rows, one page each here.
    const fixed = await expectAsHyparquet(file, 'fixed', DIM);
    expect(fixed).toEqual({ valid: 3000, pages: 2, blocks: 2 });
    // The odd rows are all in the first page.
    const ragged = await expectAsHyparquet(file, 'ragged', DIM);
    expect(ragged).toEqual({ valid: 3000 - 5, pages: 2, blocks: 1 });
  });
});
