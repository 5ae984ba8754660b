import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type FileMetaData, parquetMetadata, parquetReadObjects, type SchemaElement } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { type ColumnSource, parquetWriteFile } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { zstdStored } from '../../../test/table/parquet-fixtures.js';
import { fastStringColumn, StringChunkReader } from './parquet-fast-strings.js';
import { chunkStart, UnsupportedPage } from './parquet-pages.js';
import { openParquet, textOf } from './parquet-reader.js';

function load(file: string): { buffer: ArrayBuffer; metadata: FileMetaData } {
  const bytes = readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  return { buffer, metadata: parquetMetadata(buffer) };
}

/** Every row of `name` through the fast reader, `batch` rows per call; throws UnsupportedPage as it does. */
function decodeAll(buffer: ArrayBuffer, metadata: FileMetaData, name: string, utf8: boolean, batch: number): (string | null)[] {
  const column = fastStringColumn(metadata, name, utf8);
  if (!column) throw new Error(`${name}: not a fast string column`);
  const out: (string | null)[] = [];
  for (const group of metadata.row_groups) {
    const meta = group.columns.find((c) => c.meta_data?.path_in_schema[0] === name)!.meta_data!;
    const start = chunkStart(meta);
    const reader = new StringChunkReader(new Uint8Array(buffer, start, Number(meta.total_compressed_size)), meta, column.node, column.mode, compressors);
    const rows = Number(group.num_rows);
    const values = new Array<string | null>(rows);
    for (let at = 0; at < rows; ) {
      const n = reader.read(values, at, Math.min(batch, rows - at));
      expect(n).toBeGreaterThan(0);
      at += n;
    }
    out.push(...values);
  }
  return out;
}

/** hyparquet's own values of every row, as the table reader turns them into text. */
async function hyparquetValues(buffer: ArrayBuffer, name: string, utf8: boolean): Promise<(string | null)[]> {
  const rows = await parquetReadObjects({ file: buffer, compressors, columns: [name], utf8 });
  return rows.map((r) => textOf(r[name]));
}

async function expectSameAsHyparquet(file: string, names: string[], utf8 = true): Promise<void> {
  const { buffer, metadata } = load(file);
  for (const name of names) {
    const expected = await hyparquetValues(buffer, name, utf8);
    expect(expected.length).toBeGreaterThan(0);
    for (const batch of [1, 7, 4096, 1 << 20]) {
      const got = decodeAll(buffer, metadata, name, utf8, batch);
      expect(got.length, `${name} (batch ${batch})`).toBe(expected.length);
      for (let i = 0; i < got.length; i++) if (got[i] !== expected[i]) expect(got[i], `${name} row ${i} (batch ${batch})`).toBe(expected[i]);
    }
  }
}

/** The table reader (fast path or fallback, in uneven slices) against hyparquet's values. */
async function expectTableReadsAsHyparquet(file: string, names: string[]): Promise<void> {
  const { buffer } = load(file);
  const table = await openParquet(file);
  try {
    for (const name of names) {
      const expected = await hyparquetValues(buffer, name, true);
      const column = table.columns.find((c) => c.name === name)!;
      const got: (string | null)[] = [];
      for (let at = 0; at < table.rowCount; at += 3001) got.push(...((await table.read([column], at, Math.min(table.rowCount, at + 3001))).columns.get(name) as (string | null)[]));
      expect(got, name).toEqual(expected);
      expect(await table.readText(column, 10, 5000), name).toEqual(expected.slice(10, 5000));
    }
  } finally {
    await table.close();
  }
}

const n = 6000;
const WORDS = ['', 'jpg', 'naïve café', '日本語のテキスト', 'emoji 🙂 here', '\uFEFFbom first', 'a\uFEFF', 'plain'];
/** Text of every kind: unique ASCII, unique non-ASCII, a few repeated values (a dictionary), empties, nulls. */
const unique = (i: number) => (i % 13 === 0 ? null : `shard_${i % 97}/img_${String(i).padStart(7, '0')}.jpg`);
const mixed = (i: number) => (i % 11 === 0 ? null : i % 5 === 0 ? '' : `${WORDS[i % WORDS.length]} ${i}`);
const repeated = (i: number) => (i % 17 === 0 ? null : WORDS[i % WORDS.length]!);

const COMPRESSORS = { ZSTD: zstdStored, GZIP: gzipPage };

function gzipPage(input: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(input));
}

function tmpFile(name: string): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'lenslet-strings-')), name);
}

function writeStrings(
  file: string,
  columns: { name: string; data: (string | null)[]; required?: boolean; encoding?: ColumnSource['encoding']; element?: Partial<SchemaElement> }[],
  codec: 'SNAPPY' | 'ZSTD' | 'GZIP' | 'UNCOMPRESSED' = 'SNAPPY',
): void {
  parquetWriteFile({
    filename: file,
    codec,
    compressors: COMPRESSORS,
    rowGroupSize: 2500,
    pageSize: 16 * 1024,
    schema: [
      { name: 'root', num_children: columns.length },
      ...columns.map((c): SchemaElement => ({ name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: c.required ? 'REQUIRED' : 'OPTIONAL', ...c.element })),
    ],
    columnData: columns.map((c) => ({ name: c.name, data: c.data, encoding: c.encoding })),
  });
}

describe('fast string column reader', () => {
  for (const codec of ['SNAPPY', 'ZSTD', 'GZIP', 'UNCOMPRESSED'] as const) {
    it(`matches hyparquet's reader for ${codec}: plain and dictionary pages, nulls, empty strings, non-ASCII, several pages and row groups`, async () => {
      const file = tmpFile('s.parquet');
      writeStrings(
        file,
        [
          { name: 'unique', data: Array.from({ length: n }, (_, i) => unique(i)) },
          { name: 'mixed', data: Array.from({ length: n }, (_, i) => mixed(i)), encoding: 'PLAIN' },
          { name: 'repeated', data: Array.from({ length: n }, (_, i) => repeated(i)) },
          { name: 'required', data: Array.from({ length: n }, (_, i) => mixed(i) ?? 'x'), required: true },
          { name: 'required_dict', data: Array.from({ length: n }, (_, i) => WORDS[i % 3]!), required: true, encoding: 'RLE_DICTIONARY' },
        ],
        codec,
      );
      const { metadata } = load(file);
      const encodings = (name: string) => metadata.row_groups[0]!.columns.find((c) => c.meta_data?.path_in_schema[0] === name)!.meta_data!.encodings;
      expect(encodings('repeated')).toContain('RLE_DICTIONARY');
      expect(encodings('mixed')).not.toContain('RLE_DICTIONARY');
      await expectSameAsHyparquet(file, ['unique', 'mixed', 'repeated', 'required', 'required_dict']);
    });
  }

  it('reads unannotated byte arrays as hyparquet does: text with utf8, else lowercase hex; JSON is left to hyparquet', async () => {
    const file = tmpFile('b.parquet');
    writeStrings(file, [
      { name: 'raw', data: Array.from({ length: n }, (_, i) => (i % 9 === 0 ? null : `${i.toString(16)}é`)), element: { converted_type: undefined } },
      { name: 'json', data: Array.from({ length: n }, (_, i) => `{"a":${i}}`), element: { converted_type: 'JSON' } },
    ]);
    const { metadata } = load(file);
    expect(fastStringColumn(metadata, 'raw', false)?.mode).toBe('hex');
    expect(fastStringColumn(metadata, 'raw', true)?.mode).toBe('utf8');
    expect(fastStringColumn(metadata, 'json')).toBeUndefined();
    await expectSameAsHyparquet(file, ['raw'], false);
    await expectSameAsHyparquet(file, ['raw'], true);
  });

  it('throws UnsupportedPage for DELTA_BYTE_ARRAY pages, and the table reader falls back to hyparquet for them', async () => {
    const file = tmpFile('d.parquet');
    writeStrings(file, [{ name: 'delta', data: Array.from({ length: n }, (_, i) => mixed(i)), encoding: 'DELTA_BYTE_ARRAY' }]);
    const { buffer, metadata } = load(file);
    expect(() => decodeAll(buffer, metadata, 'delta', true, 100)).toThrow(UnsupportedPage);
    await expectTableReadsAsHyparquet(file, ['delta']);
  });

  it('decodes DuckDB files (data pages v1 and v2, dictionary and plain, zstd and snappy) with the same values', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const files: string[] = [];
    try {
      const words = WORDS.map((w) => `'${w.replaceAll("'", "''")}'`).join(', ');
      await connection.run(`CREATE TABLE t AS SELECT
          CASE WHEN i % 13 = 0 THEN NULL ELSE 'shard_' || (i % 97) || '/img_' || lpad(i::VARCHAR, 7, '0') || '.jpg' END AS unique_text,
          CASE WHEN i % 11 = 0 THEN NULL WHEN i % 5 = 0 THEN '' ELSE ([${words}])[1 + i % ${WORDS.length}] || ' ' || i END AS mixed,
          CASE WHEN i % 17 = 0 THEN NULL ELSE ([${words}])[1 + i % ${WORDS.length}] END AS repeated,
          ([${words}])[1 + i % 3] AS few
        FROM range(${n * 5}) r(i)`);
      for (const options of ['COMPRESSION zstd', 'COMPRESSION snappy, PARQUET_VERSION v2', 'COMPRESSION uncompressed']) {
        const file = tmpFile('duck.parquet');
        await connection.run(`COPY t TO '${file}' (FORMAT parquet, ${options}, ROW_GROUP_SIZE 10000)`);
        files.push(file);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    const [zstd, v2, uncompressed] = files as [string, string, string];
    for (const file of [zstd, uncompressed]) {
      const { metadata } = load(file);
      const encodings = new Set(metadata.row_groups.flatMap((g) => g.columns.flatMap((c) => c.meta_data!.encodings)));
      expect([...encodings].some((e) => e.includes('DICTIONARY'))).toBe(true);
      await expectSameAsHyparquet(file, ['unique_text', 'mixed', 'repeated', 'few']);
    }
    // Format v2 stores DuckDB's non-dictionary strings as DELTA_LENGTH_BYTE_ARRAY: those go through hyparquet.
    await expectTableReadsAsHyparquet(v2, ['unique_text', 'mixed', 'repeated', 'few']);
  });
});
