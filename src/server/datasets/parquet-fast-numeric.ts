import type { AsyncBuffer, ColumnMetaData, Compressors, DecodedArray, FileMetaData, SchemaTree } from 'hyparquet';
import { parquetRead, parquetSchema } from 'hyparquet';
import { loadCodecs } from './parquet-codecs.js';
import { chunkStart, countPresent, dictionaryIndices, PLAIN, PLAIN_DICTIONARY, RLE_DICTIONARY, readPage, UnsupportedPage } from './parquet-pages.js';
import type { ByteReader } from './parquet-thrift.js';

/**
 * A fast path for the common metric column: flat, optional or required INT32/INT64/FLOAT/DOUBLE
 * (and INT64 timestamps / INT32 dates, as epoch milliseconds), PLAIN or dictionary encoded. hyparquet's public reader assembles each page into an array of
 * boxed numbers and nulls; here definition levels and values go straight into a Float64Array
 * (NaN for null), which at a million rows × 20 columns reads ~3× faster with far less garbage
 * (docs/PERFORMANCE.md, "Table mode"). Decompression is hyparquet's (hyparquet-compressors, or its
 * own snappy). Anything else (delta or byte-stream-split pages, bit-packed levels, a codec without
 * a decoder) falls back to hyparquet's `parquetRead` for that row group, so results never differ.
 */
const NUMERIC = new Set(['INT32', 'INT64', 'FLOAT', 'DOUBLE']);
const PLAIN_INTEGERS = new Set(['INT_8', 'INT_16', 'INT_32', 'INT_64', 'UINT_8', 'UINT_16', 'UINT_32', 'UINT_64']);

/** The column's schema node when the fast path can read it, else undefined. */
export function fastNumericColumn(metadata: FileMetaData, name: string): SchemaTree | undefined {
  const node = parquetSchema(metadata).children.find((c) => c.element.name === name);
  if (!node || node.children.length > 0) return undefined;
  const e = node.element;
  if (!e.type || !NUMERIC.has(e.type) || e.repetition_type === 'REPEATED') return undefined;
  if (timeUnitOf(node) !== undefined) return node;
  if (e.converted_type && !PLAIN_INTEGERS.has(e.converted_type)) return undefined;
  if (e.logical_type && e.logical_type.type !== 'INTEGER') return undefined;
  return node;
}

/** How many of a time column's stored units make a millisecond, or 'days'; undefined: not a time. */
type TimeUnit = 1n | 1000n | 1000000n | 'days';

/** The unit of a time column, read as hyparquet does (the converted type first, then the logical). */
function timeUnitOf(node: SchemaTree): TimeUnit | undefined {
  const e = node.element;
  if (e.type === 'INT32' && e.converted_type === 'DATE') return 'days';
  if (e.type !== 'INT64') return undefined;
  if (e.converted_type === 'TIMESTAMP_MILLIS') return 1n;
  if (e.converted_type === 'TIMESTAMP_MICROS') return 1000n;
  if (e.converted_type || e.logical_type?.type !== 'TIMESTAMP') return undefined;
  const unit = e.logical_type.unit;
  return unit === 'MICROS' ? 1000n : unit === 'NANOS' ? 1000000n : 1n;
}

/** What `new Date(ms).getTime()` gives: whole milliseconds, NaN out of a Date's range. */
function timeClip(ms: number): number {
  return Math.abs(ms) > 8.64e15 ? NaN : Math.trunc(ms) + 0;
}

/** Reads one column of one row group as numbers (NaN = null). */
export async function readNumericGroup(file: AsyncBuffer, metadata: FileMetaData, group: number, node: SchemaTree): Promise<Float64Array> {
  const out = new Float64Array(Number(metadata.row_groups[group]!.num_rows));
  await readNumericGroupInto(file, metadata, group, node, out);
  return out;
}

/**
 * Reads one column of one row group into `out` (the group's rows, NaN = null): only that column
 * chunk's bytes are read from the file, and dropped once decoded.
 */
export async function readNumericGroupInto(file: AsyncBuffer, metadata: FileMetaData, group: number, node: SchemaTree, out: Float64Array): Promise<void> {
  const rowGroup = metadata.row_groups[group]!;
  const name = node.element.name;
  const meta = rowGroup.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name)?.meta_data;
  if (!meta) throw new Error(`column ${name} is missing from row group ${group}`);
  out.fill(NaN);
  const start = chunkStart(meta);
  const bytes = new Uint8Array(await file.slice(start, start + Number(meta.total_compressed_size)));
  const codecs = await loadCodecs(metadata);
  if (!decodeNumericChunk(bytes, meta, node, out, codecs)) {
    out.fill(NaN);
    await readThroughHyparquet(file, metadata, group, name, out, codecs);
  }
}

/**
 * Any numeric or time column of one row group into `out` (NaN = null); `fast` is
 * `fastNumericColumn(metadata, name)`, undefined when the column takes the general reader.
 */
export async function readNumberGroupInto(
  file: AsyncBuffer,
  metadata: FileMetaData,
  group: number,
  name: string,
  fast: SchemaTree | undefined,
  out: Float64Array,
): Promise<void> {
  if (fast) return readNumericGroupInto(file, metadata, group, fast, out);
  out.fill(NaN);
  await readThroughHyparquet(file, metadata, group, name, out, await loadCodecs(metadata));
}

/** Decodes a column chunk's pages into `out`; false when they need the general reader. */
/** `codecs`: hyparquet-compressors' set (parquet-codecs.ts), loaded before the first page. */
export function decodeNumericChunk(bytes: Uint8Array, meta: ColumnMetaData, node: SchemaTree, out: Float64Array, codecs: Compressors): boolean {
  try {
    decodePages(bytes, meta, node, out, codecs);
    return true;
  } catch (error) {
    if (error instanceof UnsupportedPage) return false;
    throw error;
  }
}

function decodePages(bytes: Uint8Array, meta: ColumnMetaData, node: SchemaTree, out: Float64Array, codecs: Compressors): void {
  const e = node.element;
  const unsigned = e.converted_type === 'UINT_32' || e.converted_type === 'UINT_64' || (e.logical_type?.type === 'INTEGER' && !e.logical_type.isSigned);
  const plain = plainReader(meta.type, unsigned, timeUnitOf(node));
  const optional = e.repetition_type === 'OPTIONAL';
  const reader: ByteReader = { bytes, offset: 0 };
  let dictionary: Float64Array | undefined;
  let row = 0;
  while (row < out.length && reader.offset < bytes.length) {
    const page = readPage(reader, meta.codec, optional, codecs);
    if (page.kind === 'dictionary') {
      dictionary = new Float64Array(page.count);
      plain(page.data, 0, page.count, dictionary);
      continue;
    }
    if (page.kind !== 'data') continue; // index pages carry no values
    const { count, encoding, defined, data } = page;
    const end = Math.min(out.length, row + count);
    const present = defined ? countPresent(defined) : count;
    const values = new Float64Array(present);
    if (encoding === PLAIN) plain(data, 0, present, values);
    else if (encoding === RLE_DICTIONARY || encoding === PLAIN_DICTIONARY) readDictionary(data, dictionary, present, values);
    else throw new UnsupportedPage(`encoding ${encoding}`);
    if (!defined) out.set(values.subarray(0, end - row), row);
    else for (let k = 0, v = 0; row + k < end; k++) if (defined[k]) out[row + k] = values[v++]!;
    row = end;
  }
}

function readDictionary(data: Uint8Array, dictionary: Float64Array | undefined, count: number, out: Float64Array): void {
  if (!dictionary) throw new Error('dictionary-encoded page without a dictionary');
  const indices = dictionaryIndices(data, count);
  for (let i = 0; i < count; i++) out[i] = dictionary[indices[i]!]!;
}

type PlainReader = (data: Uint8Array, offset: number, count: number, out: Float64Array) => void;

function plainReader(type: string, unsigned: boolean, time: TimeUnit | undefined): PlainReader {
  const view = (data: Uint8Array) => new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (time === 'days') {
    return (data, at, n, out) => {
      const v = view(data);
      for (let i = 0; i < n; i++) out[i] = timeClip(v.getInt32(at + 4 * i, true) * 86400000);
    };
  }
  if (time !== undefined) {
    const divisor = Number(time);
    return (data, at, n, out) => {
      const v = view(data);
      for (let i = 0; i < n; i++) {
        const offset = at + 8 * i;
        // Number(the int64) without a BigInt: hi * 2^32 is exact, and the sum rounds once, as Number() does.
        const x = v.getInt32(offset + 4, true) * 4294967296 + v.getUint32(offset, true);
        // A quotient below 2^42 is at least 0.001 away from the next integer, more than the division's error.
        if (divisor === 1) out[i] = timeClip(x);
        else if (Math.abs(x) < 4e15) out[i] = timeClip(Math.trunc(x / divisor));
        else out[i] = timeClip(Number(v.getBigInt64(offset, true) / (time as bigint)));
      }
    };
  }
  switch (type) {
    case 'INT32':
      return (data, at, n, out) => {
        const v = view(data);
        for (let i = 0; i < n; i++) out[i] = unsigned ? v.getUint32(at + 4 * i, true) : v.getInt32(at + 4 * i, true);
      };
    case 'INT64':
      return (data, at, n, out) => {
        const v = view(data);
        for (let i = 0; i < n; i++) out[i] = Number(unsigned ? v.getBigUint64(at + 8 * i, true) : v.getBigInt64(at + 8 * i, true));
      };
    case 'FLOAT':
      return (data, at, n, out) => {
        const v = view(data);
        for (let i = 0; i < n; i++) out[i] = v.getFloat32(at + 4 * i, true);
      };
    case 'DOUBLE':
      return (data, at, n, out) => {
        const v = view(data);
        for (let i = 0; i < n; i++) out[i] = v.getFloat64(at + 8 * i, true);
      };
    default:
      throw new UnsupportedPage(`type ${type}`);
  }
}

/** The general reader, for pages the fast path does not decode. */
async function readThroughHyparquet(file: AsyncBuffer, metadata: FileMetaData, group: number, name: string, out: Float64Array, compressors: Compressors): Promise<void> {
  let groupStart = 0;
  for (let g = 0; g < group; g++) groupStart += Number(metadata.row_groups[g]!.num_rows);
  await parquetRead({
    file,
    metadata,
    compressors,
    columns: [name],
    rowStart: groupStart,
    rowEnd: groupStart + out.length,
    onChunk: (chunk) => copyNumbers(out, chunk.columnData, chunk.rowStart - groupStart),
  });
}

function copyNumbers(out: Float64Array, data: DecodedArray, at: number): void {
  const from = Math.max(0, -at);
  const to = Math.min(data.length, out.length - at);
  for (let k = from; k < to; k++) {
    const v = data[k];
    if (v !== null && v !== undefined) out[at + k] = Number(v);
  }
}

/** Where decoded numbers go: the values themselves, or (Int32Array) `dimensionOf` them. */
export type NumericTarget = Float64Array | Int32Array;

/** A dimension as the catalog keeps it: whole pixels, 0 for unknown (null, zero, negative). */
export function dimensionOf(v: number): number {
  return v > 0 ? Math.round(v) : 0;
}

/** Writes decoded values into `target` from index `at`, as the target's type keeps them. */
export function storeValues(target: NumericTarget, values: Float64Array, at: number): void {
  if (target instanceof Float64Array) {
    target.set(values, at);
    return;
  }
  for (let i = 0; i < values.length; i++) target[at + i] = dimensionOf(values[i]!);
}
