import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, FileMetaData, SchemaTree } from 'hyparquet';
import { open } from 'node:fs/promises';
import { loadCodecs } from './parquet-codecs.js';
import { fastNumericColumn, readNumericGroup } from './parquet-fast-numeric.js';

/**
 * Column-at-a-time access to a Parquet file through hyparquet (snappy, zstd, gzip, brotli, lz4 via
 * hyparquet-compressors, loaded with the first read: parquet-codecs.ts). Values come back as typed columns — Float64Array for numbers and times
 * (NaN = null), plain arrays for strings and string lists — never as one object per row.
 */
export type ColumnKind = 'string' | 'number' | 'timestamp' | 'boolean' | 'string-list' | 'other';

export interface TableColumn {
  name: string;
  kind: ColumnKind;
}

/** Values of one column over a row range; `values[i]` is row `rowStart + i`. */
export type ColumnValues = Float64Array | (string | null)[] | (string[] | null)[];

export interface RowSlice {
  rowStart: number;
  rowEnd: number;
  columns: Map<string, ColumnValues>;
}

export interface ParquetTable {
  rowCount: number;
  columns: TableColumn[];
  /** Row ranges to read in turn (one per row group), small enough to keep the event loop free. */
  slices: { rowStart: number; rowEnd: number }[];
  /** Rows of each row group of the file, in order (a table from rows: one group). */
  groupRows: number[];
  read(columns: TableColumn[], rowStart: number, rowEnd: number): Promise<RowSlice>;
  /**
   * One column's values as text, whatever their type (an id column): numbers as their decimal
   * text (64-bit integers exactly), bytes as lowercase hex, null for null.
   */
  readText(column: TableColumn, rowStart: number, rowEnd: number): Promise<(string | null)[]>;
  close(): Promise<void>;
}

/** Row groups larger than this are read in several slices so one slice never blocks for long. */
const MAX_SLICE_ROWS = 131_072;

export async function openParquet(filePath: string): Promise<ParquetTable> {
  const { file, metadata, close } = await openParquetFile(filePath);
  return tableFrom(file, metadata, close);
}

/** An open Parquet file: its footer, and byte ranges read through one file handle on demand. */
export interface ParquetFile {
  file: AsyncBuffer;
  metadata: FileMetaData;
  close(): Promise<void>;
}

export async function openParquetFile(filePath: string): Promise<ParquetFile> {
  const handle = await open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    const file: AsyncBuffer = {
      byteLength: size,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const stop = end ?? size;
        // Its own ArrayBuffer (never the shared pool), so it is handed out as is, not copied.
        const buffer = Buffer.allocUnsafeSlow(stop - start);
        let done = 0;
        while (done < buffer.length) {
          const { bytesRead } = await handle.read(buffer, done, buffer.length - done, start + done);
          if (bytesRead === 0) throw new Error(`unexpected end of ${filePath}`);
          done += bytesRead;
        }
        if (buffer.byteOffset === 0 && buffer.buffer.byteLength === buffer.length) return buffer.buffer as ArrayBuffer;
        return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length) as ArrayBuffer;
      },
    };
    const metadata = await parquetMetadataAsync(file);
    return { file, metadata, close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function tableFrom(file: AsyncBuffer, metadata: FileMetaData, close: () => Promise<void>): ParquetTable {
  const columns = parquetSchema(metadata).children.map((child) => ({ name: child.element.name, kind: kindOf(child) }));
  const fastNodes = new Map(columns.filter((c) => c.kind === 'number').map((c) => [c.name, fastNumericColumn(metadata, c.name)]));
  const decoded = new Map<string, Float64Array>();
  const groupStarts: number[] = [];
  const slices: { rowStart: number; rowEnd: number }[] = [];
  let at = 0;
  for (const group of metadata.row_groups) {
    groupStarts.push(at);
    const end = at + Number(group.num_rows);
    for (let s = at; s < end; s += MAX_SLICE_ROWS) slices.push({ rowStart: s, rowEnd: Math.min(end, s + MAX_SLICE_ROWS) });
    at = end;
  }
  const table: ParquetTable = {
    rowCount: Number(metadata.num_rows),
    columns,
    slices,
    groupRows: metadata.row_groups.map((g) => Number(g.num_rows)),
    close,
    async read(wanted, rowStart, rowEnd) {
      const out = new Map<string, ColumnValues>();
      if (wanted.length === 0 || rowEnd <= rowStart) return { rowStart, rowEnd, columns: out };
      const fast = wanted.filter((c) => c.kind === 'number' && fastNodes.get(c.name));
      const slow = wanted.filter((c) => !fast.includes(c));
      for (const column of fast) out.set(column.name, await readFast(column.name, rowStart, rowEnd));
      if (slow.length === 0) return { rowStart, rowEnd, columns: out };
      const kinds = new Map(slow.map((c) => [c.name, c.kind]));
      const parts = new Map<string, { start: number; data: ArrayLike<unknown> }[]>();
      await parquetRead({
        file,
        metadata,
        compressors: await loadCodecs(),
        columns: slow.map((c) => c.name),
        rowStart,
        rowEnd,
        onChunk: (chunk) => {
          const list = parts.get(chunk.columnName) ?? [];
          list.push({ start: chunk.rowStart, data: chunk.columnData as ArrayLike<unknown> });
          parts.set(chunk.columnName, list);
        },
      });
      for (const [name, kind] of kinds) out.set(name, assemble(kind, parts.get(name) ?? [], rowStart, rowEnd));
      return { rowStart, rowEnd, columns: out };
    },
    async readText(column, rowStart, rowEnd) {
      const out = new Array<string | null>(Math.max(0, rowEnd - rowStart)).fill(null);
      if (rowEnd <= rowStart) return out;
      // utf8: false keeps unannotated byte arrays (a raw sha256) as bytes, so they become hex, not mojibake.
      await parquetRead({
        file,
        metadata,
        compressors: await loadCodecs(),
        columns: [column.name],
        rowStart,
        rowEnd,
        utf8: false,
        onChunk: (chunk) => {
          const data = chunk.columnData as ArrayLike<unknown>;
          const from = Math.max(rowStart, chunk.rowStart);
          const to = Math.min(rowEnd, chunk.rowStart + data.length);
          for (let row = from; row < to; row++) out[row - rowStart] = textOf(data[row - chunk.rowStart]);
        },
      });
      return out;
    },
  };
  return table;

  /** Numbers straight from pages into a Float64Array; a row group split into slices is decoded once. */
  async function readFast(name: string, rowStart: number, rowEnd: number): Promise<Float64Array> {
    const out = new Float64Array(rowEnd - rowStart).fill(NaN);
    for (let g = 0; g < groupStarts.length; g++) {
      const groupStart = groupStarts[g]!;
      const groupEnd = groupStart + Number(metadata.row_groups[g]!.num_rows);
      if (groupEnd <= rowStart || groupStart >= rowEnd) continue;
      const key = `${g}\0${name}`;
      let values = decoded.get(key);
      if (!values) {
        values = await readNumericGroup(file, metadata, g, fastNodes.get(name)!);
        // Keep only the current group's columns: slices walk the groups in order.
        for (const k of decoded.keys()) if (!k.startsWith(`${g}\0`)) decoded.delete(k);
        decoded.set(key, values);
      }
      const from = Math.max(rowStart, groupStart);
      const to = Math.min(rowEnd, groupEnd);
      out.set(values.subarray(from - groupStart, to - groupStart), from - rowStart);
    }
    return out;
  }
}

/** Copies the decoded chunks (which may extend past the requested range) into one column. */
function assemble(kind: ColumnKind, chunks: { start: number; data: ArrayLike<unknown> }[], rowStart: number, rowEnd: number): ColumnValues {
  const n = rowEnd - rowStart;
  if (kind === 'number' || kind === 'timestamp' || kind === 'boolean') {
    const out = new Float64Array(n).fill(NaN);
    for (const { start, data } of chunks) {
      const from = Math.max(rowStart, start);
      const to = Math.min(rowEnd, start + data.length);
      for (let row = from; row < to; row++) out[row - rowStart] = toNumber(data[row - start]);
    }
    return out;
  }
  if (kind === 'string-list') {
    const out = new Array<string[] | null>(n).fill(null);
    for (const { start, data } of chunks) {
      const from = Math.max(rowStart, start);
      const to = Math.min(rowEnd, start + data.length);
      for (let row = from; row < to; row++) {
        const v = data[row - start];
        out[row - rowStart] = Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : null;
      }
    }
    return out;
  }
  const out = new Array<string | null>(n).fill(null);
  for (const { start, data } of chunks) {
    const from = Math.max(rowStart, start);
    const to = Math.min(rowEnd, start + data.length);
    for (let row = from; row < to; row++) {
      const v = data[row - start];
      out[row - rowStart] = typeof v === 'string' ? v : v == null ? null : String(v);
    }
  }
  return out;
}

/** An id value as text; null for values that are not one (null, lists, structs). */
export function textOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  return null;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  return NaN;
}

function kindOf(node: SchemaTree): ColumnKind {
  const e = node.element;
  if (node.children.length > 0) {
    const isList = e.converted_type === 'LIST' || e.logical_type?.type === 'LIST';
    if (!isList) return 'other';
    let leaf = node;
    while (leaf.children.length > 0) leaf = leaf.children[0]!;
    return leaf.element.type === 'BYTE_ARRAY' && leaf.children.length === 0 ? 'string-list' : 'other';
  }
  const logical = e.logical_type?.type;
  if (logical === 'TIMESTAMP' || logical === 'DATE') return 'timestamp';
  if (e.converted_type === 'TIMESTAMP_MILLIS' || e.converted_type === 'TIMESTAMP_MICROS' || e.converted_type === 'DATE') return 'timestamp';
  if (e.type === 'INT96') return 'timestamp';
  switch (e.type) {
    case 'BYTE_ARRAY':
      return logical === 'JSON' || e.converted_type === 'JSON' || logical === 'BSON' ? 'other' : 'string';
    case 'INT32':
    case 'INT64':
    case 'FLOAT':
    case 'DOUBLE':
      return 'number'; // DECIMAL included: hyparquet decodes it to a number
    case 'BOOLEAN':
      return 'boolean';
    default:
      return 'other';
  }
}
