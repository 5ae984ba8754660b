import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { describe, expect, it } from 'vitest';
import { fastNumericColumn, readNumericGroup } from '../../src/server/datasets/parquet-fast-numeric.js';
import { writeParquet } from './parquet-fixtures.js';

describe('fast numeric column reader', () => {
  for (const codec of ['SNAPPY', 'ZSTD', 'GZIP', 'UNCOMPRESSED'] as const) {
    it(`matches hyparquet's reader for ${codec}: nulls, dictionary pages, INT32/INT64/DOUBLE, several row groups`, async () => {
      const n = 5000;
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lenslet-fast-')), 'n.parquet');
      writeParquet(
        file,
        [
          { name: 'dict', type: 'INT32', data: Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : i % 7)) },
          { name: 'big', type: 'INT64', data: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i * 1_000_003)) },
          { name: 'score', type: 'DOUBLE', data: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : Math.sin(i))) },
          { name: 'label', type: 'STRING', data: Array.from({ length: n }, (_, i) => `r${i}`) },
          { name: 'when', type: 'TIMESTAMP', data: Array.from({ length: n }, (_, i) => new Date(i)) },
        ],
        { codec, rowGroupSize: 1800 },
      );
      const bytes = readFileSync(file);
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
      const metadata = parquetMetadata(buffer);
      const rows = await parquetReadObjects({ file: buffer, compressors });
      const dictChunk = metadata.row_groups[0]!.columns.find((c) => c.meta_data?.path_in_schema[0] === 'dict')!;
      expect(dictChunk.meta_data!.encodings.some((e) => e.includes('DICTIONARY'))).toBe(true);
      expect(fastNumericColumn(metadata, 'label')).toBeUndefined();
      expect(fastNumericColumn(metadata, 'when')).toBeUndefined(); // timestamps take the general path
      for (const name of ['dict', 'big', 'score']) {
        const node = fastNumericColumn(metadata, name)!;
        expect(node).toBeDefined();
        const got: number[] = [];
        for (let g = 0; g < metadata.row_groups.length; g++) got.push(...(await readNumericGroup(buffer, metadata, g, node)));
        const want = rows.map((r) => (r[name] == null ? NaN : Number(r[name])));
        expect(got).toEqual(want);
      }
    });
  }
});
