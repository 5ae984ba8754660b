import { gzipSync } from 'node:zlib';
import type { SchemaElement } from 'hyparquet';
import { parquetWriteFile } from 'hyparquet-writer';

/**
 * Writes test tables with hyparquet-writer. Node 20 has no zstd encoder, so ZSTD pages are written
 * as standard zstd frames made of raw (stored) blocks: valid zstd that any decoder must accept,
 * which exercises the reader's ZSTD codec path exactly as a DuckDB-written file would.
 */
export type Codec = 'SNAPPY' | 'ZSTD' | 'GZIP' | 'UNCOMPRESSED';

export interface FixtureColumn {
  name: string;
  type: 'STRING' | 'DOUBLE' | 'INT32' | 'INT64' | 'BOOLEAN' | 'TIMESTAMP' | 'STRING_LIST';
  data: unknown[];
  /** Page encoding for the values (hyparquet-writer's choice when unset). */
  encoding?: 'PLAIN' | 'DELTA_BINARY_PACKED' | 'BYTE_STREAM_SPLIT';
}

const FIXTURE_COMPRESSORS = { ZSTD: zstdStored, GZIP: gzipPage };

function gzipPage(input: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(input));
}

export function writeParquet(file: string, columns: FixtureColumn[], options: { codec?: Codec; rowGroupSize?: number } = {}): void {
  const schema: SchemaElement[] = [{ name: 'root', num_children: columns.length }];
  for (const c of columns) schema.push(...schemaFor(c));
  parquetWriteFile({
    filename: file,
    schema,
    codec: options.codec ?? 'SNAPPY',
    compressors: FIXTURE_COMPRESSORS,
    rowGroupSize: options.rowGroupSize,
    columnData: columns.map((c) => ({
      name: c.name,
      data: c.type === 'INT64' ? c.data.map((v) => (v == null ? null : BigInt(v as number))) : (c.data as never[]),
      encoding: c.encoding,
    })),
  });
}

function schemaFor(c: FixtureColumn): SchemaElement[] {
  const repetition_type = 'OPTIONAL' as const;
  switch (c.type) {
    case 'STRING':
      return [{ name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type }];
    case 'DOUBLE':
      return [{ name: c.name, type: 'DOUBLE', repetition_type }];
    case 'INT32':
      return [{ name: c.name, type: 'INT32', repetition_type }];
    case 'INT64':
      return [{ name: c.name, type: 'INT64', repetition_type }];
    case 'BOOLEAN':
      return [{ name: c.name, type: 'BOOLEAN', repetition_type }];
    case 'TIMESTAMP':
      return [{ name: c.name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type }];
    case 'STRING_LIST':
      // The 3-level LIST layout DuckDB and Arrow write for VARCHAR[] / list<string>.
      return [
        { name: c.name, repetition_type, converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ];
  }
}

/** A zstd frame (RFC 8878) holding `input` in raw blocks of at most 128 KiB. */
export function zstdStored(input: Uint8Array): Uint8Array {
  const BLOCK = 128 * 1024;
  const blocks = Math.max(1, Math.ceil(input.length / BLOCK));
  const out = new Uint8Array(4 + 1 + 4 + blocks * 3 + input.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xfd2fb528, true); // magic
  out[4] = 0xa0; // single segment, 4-byte frame content size, no checksum, no dictionary
  view.setUint32(5, input.length, true);
  let at = 9;
  for (let b = 0; b < blocks; b++) {
    const chunk = input.subarray(b * BLOCK, Math.min(input.length, (b + 1) * BLOCK));
    const header = (b === blocks - 1 ? 1 : 0) | (0 << 1) | (chunk.length << 3); // last flag, raw block, size
    out[at] = header & 0xff;
    out[at + 1] = (header >>> 8) & 0xff;
    out[at + 2] = (header >>> 16) & 0xff;
    out.set(chunk, at + 3);
    at += 3 + chunk.length;
  }
  return out;
}
