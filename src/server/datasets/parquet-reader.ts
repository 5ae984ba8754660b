import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, ColumnMetaData, FileMetaData, SchemaTree } from 'hyparquet';
import { open } from 'node:fs/promises';
import { loadCodecs } from './parquet-codecs.js';
import { fastNumericColumn, readNumericGroup } from './parquet-fast-numeric.js';
import { fastStringColumn, StringChunkReader, type StringMode } from './parquet-fast-strings.js';
import { chunkStart, UnsupportedPage } from './parquet-pages.js';

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
  /** The file's footer, when read from a file (not for rows given in memory). */
  metadata?: FileMetaData;
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
  /**
   * A string column's values each behind a `/` ('a/b.jpg' → '/a/b.jpg'; null stays null), as
   * `read` decodes them: what a table's source becomes as a logical path, made without a second
   * string per row where the file allows (see `StringChunkReader`).
   */
  readSlashed(column: TableColumn, rowStart: number, rowEnd: number): Promise<(string | null)[]>;
  close(): Promise<void>;
}

/**
 * Row groups larger than this are read in several slices, so a slice's strings are few enough to
 * die young once inserted (a whole group's would outlive several scavenges and be promoted).
 */
const MAX_SLICE_ROWS = 32_768;
/** Rows of a string column decoded between two looks at the clock. */
const STRING_BATCH = 2048;
/** Reading yields to the event loop once it has held it this long. */
const YIELD_MS = 8;

export async function openParquet(filePath: string): Promise<ParquetTable> {
  const { file, metadata, close } = await openParquetFile(filePath);
  return tableFrom(file, metadata, close);
}

/** An open Parquet file: its footer, and byte ranges read through one file handle on demand. */
export interface ParquetFile {
  file: AsyncBuffer;
  metadata: FileMetaData;
  /**
   * Bytes [start, end) read into `into` when it is large enough (else into a new buffer): a
   * reader of large chunks keeps one buffer, as fresh memory costs a page fault per 4 KB.
   */
  readInto(start: number, end: number, into: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

export async function openParquetFile(filePath: string): Promise<ParquetFile> {
  const handle = await open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    const fill = async (buffer: Uint8Array, start: number): Promise<void> => {
      let done = 0;
      while (done < buffer.length) {
        const { bytesRead } = await handle.read(buffer, done, buffer.length - done, start + done);
        if (bytesRead === 0) throw new Error(`unexpected end of ${filePath}`);
        done += bytesRead;
      }
    };
    const file: AsyncBuffer = {
      byteLength: size,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const stop = end ?? size;
        // Its own ArrayBuffer (never the shared pool), so it is handed out as is, not copied.
        const buffer = Buffer.allocUnsafeSlow(stop - start);
        await fill(buffer, start);
        if (buffer.byteOffset === 0 && buffer.buffer.byteLength === buffer.length) return buffer.buffer as ArrayBuffer;
        return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length) as ArrayBuffer;
      },
    };
    const metadata = await parquetMetadataAsync(file);
    const readInto = async (start: number, end: number, into: Uint8Array): Promise<Uint8Array> => {
      const buffer = into.length >= end - start ? into.subarray(0, end - start) : new Uint8Array(end - start);
      await fill(buffer, start);
      return buffer;
    };
    return { file, metadata, readInto, close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function tableFrom(file: AsyncBuffer, metadata: FileMetaData, close: () => Promise<void>): ParquetTable {
  const columns = parquetSchema(metadata).children.map((child) => ({ name: child.element.name, kind: kindOf(child) }));
  const fastNodes = new Map(columns.filter((c) => c.kind === 'number').map((c) => [c.name, fastNumericColumn(metadata, c.name)]));
  const fastStrings = new Map(columns.filter((c) => c.kind === 'string').map((c) => [c.name, fastStringColumn(metadata, c.name)]));
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
  const groupEnd = (g: number) => groupStarts[g]! + Number(metadata.row_groups[g]!.num_rows);
  /** The groups whose rows meet [rowStart, rowEnd), with the part of the range in each. */
  const groupsOf = (rowStart: number, rowEnd: number) => {
    const out: { group: number; from: number; to: number }[] = [];
    for (let g = 0; g < groupStarts.length; g++) {
      const from = Math.max(rowStart, groupStarts[g]!);
      const to = Math.min(rowEnd, groupEnd(g));
      if (from < to) out.push({ group: g, from, to });
    }
    return out;
  };
  /** Where each string column's reader stands: reading the slices in order decodes each page once. */
  const cursors = new Map<string, { group: number; row: number; reader: StringChunkReader }>();
  /** Row groups whose pages a fast string reader refused (an encoding it lacks): read through hyparquet. */
  const refused = new Set<string>();
  /** The last row group read through hyparquet, whole: slices of one group decode it once. */
  let general: { group: number; values: Map<string, ArrayLike<unknown>> } | undefined;
  let yieldedAt = performance.now();

  const table: ParquetTable = {
    rowCount: Number(metadata.num_rows),
    metadata,
    columns,
    slices,
    groupRows: metadata.row_groups.map((g) => Number(g.num_rows)),
    close,
    async read(wanted, rowStart, rowEnd) {
      const out = new Map<string, ColumnValues>();
      if (wanted.length === 0 || rowEnd <= rowStart) return { rowStart, rowEnd, columns: out };
      const slow: TableColumn[] = [];
      for (const column of wanted) {
        const strings = fastStrings.get(column.name);
        if (column.kind === 'number' && fastNodes.get(column.name)) out.set(column.name, await readFast(column.name, rowStart, rowEnd));
        else if (strings) out.set(column.name, await readStrings(column.name, strings, rowStart, rowEnd));
        else slow.push(column);
      }
      if (slow.length === 0) return { rowStart, rowEnd, columns: out };
      for (const column of slow) out.set(column.name, empty(column.kind, rowEnd - rowStart));
      for (const { group, from, to } of groupsOf(rowStart, rowEnd)) {
        const values = await generalGroup(group, slow.map((c) => c.name), true);
        for (const column of slow) copyInto(column.kind, values.get(column.name)!, from - groupStarts[group]!, to - groupStarts[group]!, out.get(column.name)!, from - rowStart);
      }
      return { rowStart, rowEnd, columns: out };
    },
    async readSlashed(column, rowStart, rowEnd) {
      const strings = fastStrings.get(column.name);
      if (strings) return readStrings(column.name, strings, rowStart, rowEnd, true);
      const values = (await table.read([column], rowStart, rowEnd)).columns.get(column.name) as (string | null)[];
      return values.map((v) => (v === null ? null : `/${v}`));
    },
    async readText(column, rowStart, rowEnd) {
      // utf8: false keeps unannotated byte arrays (a raw sha256) as bytes, so they become hex, not mojibake.
      const strings = column.kind === 'string' ? fastStringColumn(metadata, column.name, false) : undefined;
      if (strings) {
        const out = await readStrings(column.name, strings, rowStart, Math.min(rowEnd, table.rowCount));
        while (out.length < rowEnd - rowStart) out.push(null);
        return out;
      }
      const out = new Array<string | null>(Math.max(0, rowEnd - rowStart)).fill(null);
      if (rowEnd <= rowStart) return out;
      await parquetRead({
        file,
        metadata,
        compressors: await loadCodecs(metadata),
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
    for (const { group: g, from, to } of groupsOf(rowStart, rowEnd)) {
      const groupStart = groupStarts[g]!;
      const key = `${g}\0${name}`;
      let values = decoded.get(key);
      if (!values) {
        values = await readNumericGroup(file, metadata, g, fastNodes.get(name)!);
        // Keep only the current group's columns: slices walk the groups in order.
        for (const k of decoded.keys()) if (!k.startsWith(`${g}\0`)) decoded.delete(k);
        decoded.set(key, values);
      }
      out.set(values.subarray(from - groupStart, to - groupStart), from - rowStart);
    }
    return out;
  }

  /**
   * Strings straight from pages, a batch of rows at a time, yielding to the event loop whenever
   * decoding has held it for `YIELD_MS`: no row group is decoded in one synchronous step.
   */
  async function readStrings(
    name: string,
    column: { node: SchemaTree; mode: StringMode },
    rowStart: number,
    rowEnd: number,
    slashed = false,
  ): Promise<(string | null)[]> {
    const out = new Array<string | null>(Math.max(0, rowEnd - rowStart)).fill(null);
    for (const { group, from, to } of groupsOf(rowStart, rowEnd)) {
      const key = `${name}\0${column.mode}${slashed ? '\0/' : ''}`;
      if (!refused.has(`${key}\0${group}`)) {
        try {
          await readStringRange(key, group, column, from, to, out, from - rowStart, slashed);
          continue;
        } catch (error) {
          if (!(error instanceof UnsupportedPage)) throw error;
          refused.add(`${key}\0${group}`);
          cursors.delete(key);
        }
      }
      const values = (await generalGroup(group, [name], column.mode === 'utf8')).get(name)!;
      for (let row = from; row < to; row++) {
        const text = textOf(values[row - groupStarts[group]!]);
        out[row - rowStart] = slashed && text !== null ? `/${text}` : text;
      }
    }
    return out;
  }

  async function readStringRange(
    key: string,
    group: number,
    column: { node: SchemaTree; mode: StringMode },
    from: number,
    to: number,
    out: (string | null)[],
    at: number,
    slashed: boolean,
  ): Promise<void> {
    // Taken out while in use, so a read running meanwhile (they yield) opens its own.
    let cursor = cursors.get(key);
    cursors.delete(key);
    if (!cursor || cursor.group !== group || cursor.row > from) {
      const meta = chunkOf(metadata, group, column.node.element.name);
      const start = chunkStart(meta);
      const bytes = new Uint8Array(await file.slice(start, start + Number(meta.total_compressed_size)));
      cursor = { group, row: groupStarts[group]!, reader: new StringChunkReader(bytes, meta, column.node, column.mode, await loadCodecs(metadata), slashed) };
    }
    if (cursor.row < from) cursor.row += cursor.reader.skip(from - cursor.row);
    while (cursor.row < to) {
      const n = cursor.reader.read(out, at + cursor.row - from, Math.min(STRING_BATCH, to - cursor.row));
      if (n === 0) throw new Error(`column ${column.node.element.name} of row group ${group} ends early`);
      cursor.row += n;
      if (performance.now() - yieldedAt > YIELD_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        yieldedAt = performance.now();
      }
    }
    if (cursor.row < groupEnd(group)) cursors.set(key, cursor);
  }

  /** Columns of a whole row group through hyparquet's reader (kept while slices walk that group). */
  async function generalGroup(group: number, names: string[], utf8: boolean): Promise<Map<string, ArrayLike<unknown>>> {
    const suffix = utf8 ? '' : '\0bytes';
    if (general?.group !== group) general = { group, values: new Map() };
    const values = general.values;
    const missing = names.filter((n) => !values.has(n + suffix));
    if (missing.length > 0) {
      const rows = Number(metadata.row_groups[group]!.num_rows);
      const parts = new Map(missing.map((n) => [n, new Array<unknown>(rows)]));
      await parquetRead({
        file,
        metadata,
        compressors: await loadCodecs(metadata),
        columns: missing,
        rowStart: groupStarts[group]!,
        rowEnd: groupEnd(group),
        utf8,
        onChunk: (chunk) => {
          const part = parts.get(chunk.columnName)!;
          const data = chunk.columnData as ArrayLike<unknown>;
          const offset = chunk.rowStart - groupStarts[group]!;
          for (let k = Math.max(0, -offset); k < data.length && offset + k < rows; k++) part[offset + k] = data[k];
        },
      });
      for (const [n, part] of parts) values.set(n + suffix, part);
    }
    return new Map(names.map((n) => [n, values.get(n + suffix)!]));
  }
}

function chunkOf(metadata: FileMetaData, group: number, name: string): ColumnMetaData {
  const meta = metadata.row_groups[group]!.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name)?.meta_data;
  if (!meta) throw new Error(`column ${name} is missing from row group ${group}`);
  return meta;
}

/** A column of `n` rows, all null (NaN for numbers). */
function empty(kind: ColumnKind, n: number): ColumnValues {
  if (kind === 'number' || kind === 'timestamp' || kind === 'boolean') return new Float64Array(n).fill(NaN);
  return new Array<null>(n).fill(null);
}

/** Values [from, to) of a decoded group into `out` from `at`, as the column's kind keeps them. */
function copyInto(kind: ColumnKind, data: ArrayLike<unknown>, from: number, to: number, out: ColumnValues, at: number): void {
  if (out instanceof Float64Array) {
    for (let row = from; row < to; row++) out[at + row - from] = toNumber(data[row]);
    return;
  }
  if (kind === 'string-list') {
    const lists = out as (string[] | null)[];
    for (let row = from; row < to; row++) {
      const v = data[row];
      lists[at + row - from] = Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : null;
    }
    return;
  }
  const strings = out as (string | null)[];
  for (let row = from; row < to; row++) {
    const v = data[row];
    strings[at + row - from] = typeof v === 'string' ? v : v == null ? null : String(v);
  }
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
