import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type FileMetaData, parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetWriteFile } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { type FixtureColumn, writeParquet } from '../../../test/table/parquet-fixtures.js';
import { decodeNumericChunk, fastNumericColumn, readNumericGroup } from './parquet-fast-numeric.js';
import { readHybrid } from './parquet-levels.js';

function load(file: string): { buffer: ArrayBuffer; metadata: FileMetaData } {
  const bytes = readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  return { buffer, metadata: parquetMetadata(buffer) };
}

/** Every group of `name` through the fast path, against hyparquet's own row reader. */
async function expectSameAsHyparquet(buffer: ArrayBuffer, metadata: FileMetaData, name: string): Promise<void> {
  const rows = await parquetReadObjects({ file: buffer, compressors });
  const node = fastNumericColumn(metadata, name)!;
  expect(node, name).toBeDefined();
  const got: number[] = [];
  for (let g = 0; g < metadata.row_groups.length; g++) got.push(...(await readNumericGroup(buffer, metadata, g, node)));
  expect(got).toEqual(rows.map((r) => (r[name] == null ? NaN : Number(r[name]))));
}

/** True when the fast decoder read every group itself (no fallback to hyparquet's reader). */
function decodedFast(buffer: ArrayBuffer, metadata: FileMetaData, name: string): boolean {
  const node = fastNumericColumn(metadata, name)!;
  return metadata.row_groups.every((group) => {
    const meta = group.columns.find((c) => c.meta_data?.path_in_schema[0] === name)!.meta_data!;
    const dictionary = meta.dictionary_page_offset === undefined ? Number(meta.data_page_offset) : Number(meta.dictionary_page_offset);
    const start = Math.min(dictionary, Number(meta.data_page_offset));
    const bytes = new Uint8Array(buffer, start, Number(meta.total_compressed_size));
    return decodeNumericChunk(bytes, meta, node, new Float64Array(Number(group.num_rows)), compressors);
  });
}

function tableFile(columns: FixtureColumn[], codec: 'SNAPPY' | 'ZSTD' | 'GZIP' | 'UNCOMPRESSED' = 'SNAPPY'): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lenslet-fast-')), 'n.parquet');
  writeParquet(file, columns, { codec, rowGroupSize: 1800 });
  return file;
}

const n = 5000;

describe('fast numeric column reader', () => {
  for (const codec of ['SNAPPY', 'ZSTD', 'GZIP', 'UNCOMPRESSED'] as const) {
    it(`matches hyparquet's reader for ${codec}: nulls, dictionary pages, INT32/INT64/DOUBLE, several row groups`, async () => {
      const { buffer, metadata } = load(
        tableFile(
          [
            { name: 'dict', type: 'INT32', data: Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : i % 7)) },
            { name: 'big', type: 'INT64', data: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i * 1_000_003)) },
            { name: 'score', type: 'DOUBLE', data: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : Math.sin(i))) },
            { name: 'label', type: 'STRING', data: Array.from({ length: n }, (_, i) => `r${i}`) },
            { name: 'when', type: 'TIMESTAMP', data: Array.from({ length: n }, (_, i) => (i % 9 === 0 ? null : new Date(1_767_312_000_000 + i * 7919))) },
          ],
          codec,
        ),
      );
      const dictChunk = metadata.row_groups[0]!.columns.find((c) => c.meta_data?.path_in_schema[0] === 'dict')!;
      expect(dictChunk.meta_data!.encodings.some((e) => e.includes('DICTIONARY'))).toBe(true);
      expect(fastNumericColumn(metadata, 'label')).toBeUndefined();
      for (const name of ['dict', 'big', 'score', 'when']) {
        expect(decodedFast(buffer, metadata, name), name).toBe(true);
        await expectSameAsHyparquet(buffer, metadata, name);
      }
    });
  }

  it('decodes DuckDB files (data page v1, real ZSTD and snappy) itself, with the same values', async () => {
    for (const fixture of ['duckdb-zstd.parquet', 'duckdb-snappy.parquet']) {
      const { buffer, metadata } = load(path.resolve('test/fixtures/duckdb', fixture));
      const numeric = metadata.schema.slice(1).filter((e) => fastNumericColumn(metadata, e.name));
      expect(numeric.length, fixture).toBeGreaterThan(0);
      for (const { name } of numeric) {
        expect(decodedFast(buffer, metadata, name), `${fixture} ${name}`).toBe(true);
        await expectSameAsHyparquet(buffer, metadata, name);
      }
    }
  });

  it('reads INT64 timestamps in micro- and nanoseconds and INT32 dates as hyparquet does (epoch milliseconds)', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lenslet-fast-')), 't.parquet');
    const micros = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : 1_767_312_000_123_456n + BigInt(i) * 999_999n - (i % 3 === 0 ? 4_000_000_000_000_000n : 0n)));
    parquetWriteFile({
      filename: file,
      rowGroupSize: 1800,
      schema: [
        { name: 'root', num_children: 3 },
        { name: 'us', type: 'INT64', converted_type: 'TIMESTAMP_MICROS', repetition_type: 'OPTIONAL' },
        { name: 'ns', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' }, repetition_type: 'OPTIONAL' },
        { name: 'day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
      ],
      columnData: [
        { name: 'us', data: micros },
        { name: 'ns', data: micros.map((v) => (v === null ? null : -v * 1000n)) },
        { name: 'day', data: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : 20_000 - i)) },
      ],
    });
    const { buffer, metadata } = load(file);
    for (const name of ['us', 'ns', 'day']) {
      expect(decodedFast(buffer, metadata, name), name).toBe(true);
      await expectSameAsHyparquet(buffer, metadata, name);
    }
  });

  it('falls back to hyparquet for encodings it does not decode (delta, byte stream split)', async () => {
    const { buffer, metadata } = load(
      tableFile([
        { name: 'delta', type: 'INT64', encoding: 'DELTA_BINARY_PACKED', data: Array.from({ length: n }, (_, i) => (i % 4 === 0 ? null : i * 3)) },
        { name: 'split', type: 'DOUBLE', encoding: 'BYTE_STREAM_SPLIT', data: Array.from({ length: n }, (_, i) => (i % 6 === 0 ? null : i / 7)) },
      ]),
    );
    for (const name of ['delta', 'split']) {
      expect(decodedFast(buffer, metadata, name), name).toBe(false);
      await expectSameAsHyparquet(buffer, metadata, name);
    }
  });

  it('reads the RLE / bit-packed hybrid: the bit-packed example of the Parquet spec, then a run', () => {
    // Values 0..7 at bit width 3 pack into 0x88 0xC6 0xFA (Encodings.md); then a run of five 4s.
    const bytes = Uint8Array.from([0b11, 0x88, 0xc6, 0xfa, 5 << 1, 4]);
    const out = new Uint32Array(13);
    readHybrid({ bytes, offset: 0 }, bytes.length, 3, 13, out);
    expect([...out]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 4, 4, 4, 4, 4]);
  });
});
