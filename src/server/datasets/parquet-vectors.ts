import type { AsyncBuffer, ColumnMetaData, Compressors, FileMetaData, SchemaTree } from 'hyparquet';
import { parquetRead, parquetSchema } from 'hyparquet';
import { loadCodecs } from './parquet-codecs.js';
import { readHybrid } from './parquet-levels.js';
import { snappyDecompress } from './snappy.js';
import { definitionIsAll, repetitionIsWholeRows } from './vector-levels.js';
import { chunkStart, decompress, PLAIN, UnsupportedPage } from './parquet-pages.js';
import type { ParquetFile } from './parquet-reader.js';
import { type ByteReader, readStruct, type ThriftStruct } from './parquet-thrift.js';

/**
 * Embedding columns of a Parquet table (issue 13, embeddings/SPEC.md EM6): a list of FLOAT or DOUBLE, written as
 * Arrow's FIXED_SIZE_LIST<float> or a LIST<float> whose rows all have one length. Their values are
 * decoded here straight from the pages (repetition and definition levels, PLAIN floats) into one
 * Float32Array, row r at [r * dim, (r + 1) * dim): hyparquet's reader builds a JS array of boxed
 * numbers per row, ~100× slower at 512-d. Pages this decoder does not handle (dictionary or
 * byte-stream-split values, bit-packed levels) are read through hyparquet for that row group.
 */
export interface VectorColumn {
  name: string;
}

/** The list column's leaf, and its repetition and definition level maxima, when it is a float list. */
export interface VectorLeaf {
  name: string;
  path: string[];
  type: 'FLOAT' | 'DOUBLE';
  maxRep: number;
  maxDef: number;
}

/** The top-level columns that are lists of floats (their length is settled from the rows: `vectorDimension`). */
export function floatListColumns(metadata: FileMetaData): VectorLeaf[] {
  const out: VectorLeaf[] = [];
  for (const node of parquetSchema(metadata).children) {
    if (node.children.length === 0) {
      // A bare repeated float field is a list too (the legacy two-level form).
      const e = node.element;
      if (e.repetition_type === 'REPEATED' && (e.type === 'FLOAT' || e.type === 'DOUBLE')) out.push({ name: e.name, path: [e.name], type: e.type, maxRep: 1, maxDef: 1 });
      continue;
    }
    const e = node.element;
    if (e.converted_type !== 'LIST' && e.logical_type?.type !== 'LIST') continue;
    const path = [e.name];
    let maxRep = 0;
    let maxDef = e.repetition_type === 'REQUIRED' ? 0 : 1;
    let leaf: SchemaTree = node;
    while (leaf.children.length === 1) {
      leaf = leaf.children[0]!;
      path.push(leaf.element.name);
      if (leaf.element.repetition_type === 'REPEATED') {
        maxRep++;
        maxDef++;
      } else if (leaf.element.repetition_type === 'OPTIONAL') maxDef++;
    }
    const type = leaf.element.type;
    if (leaf.children.length === 0 && maxRep === 1 && (type === 'FLOAT' || type === 'DOUBLE')) out.push({ name: e.name, path, type, maxRep, maxDef });
  }
  return out;
}

/**
 * How many values each row of the column holds, when all of its first `sample` rows (nulls aside)
 * hold the same number. Reads only the first pages of the first row group: a whole column chunk
 * of 512-d vectors is tens of MB, and this runs before the server listens.
 */
export async function vectorDimension(file: AsyncBuffer, metadata: FileMetaData, leaf: VectorLeaf, sample = 256): Promise<number | undefined> {
  const meta = chunkMeta(metadata, 0, leaf);
  if (!meta) return undefined;
  const codecs = await loadCodecs(metadata);
  const lengths: number[] = [];
  let current = -1; // values in the row being read; -1: a null row
  let at = chunkStart(meta);
  const end = at + Number(meta.total_compressed_size);
  let complete = false;
  while (lengths.length < sample && at < end) {
    const header = await pageHeaderAt(file, at, end);
    const pageStart = at + header.size;
    const compressedSize = header.struct.get(3) as number;
    at = pageStart + compressedSize;
    const type = header.struct.get(1) as number;
    if (type !== DATA_PAGE && type !== DATA_PAGE_V2) continue;
    const page = new Uint8Array(await file.slice(pageStart, pageStart + compressedSize));
    let levels: ReturnType<typeof pageLevels>;
    try {
      levels = pageLevels(header.struct, page, leaf, meta, codecs, true);
    } catch (error) {
      if (error instanceof UnsupportedPage) return sampledDimension(file, metadata, leaf, sample);
      throw error;
    }
    const { count, reps, defs } = levels;
    for (let i = 0; i < count && lengths.length < sample; i++) {
      if (reps[i] === 0) {
        if (current >= 0) lengths.push(current);
        current = defs[i]! >= leaf.maxDef - 1 ? 0 : -1;
      }
      if (defs[i] === leaf.maxDef && current >= 0) current++;
    }
    complete = at >= end;
  }
  // The last row read may go on in the next page: counted only when the chunk ended.
  if (complete && current >= 0 && lengths.length < sample) lengths.push(current);
  const dim = lengths[0];
  return dim !== undefined && dim > 0 && lengths.every((n) => n === dim) ? dim : undefined;
}

/** `vectorDimension` through hyparquet, for pages the level decoder does not read (bit-packed levels). */
async function sampledDimension(file: AsyncBuffer, metadata: FileMetaData, leaf: VectorLeaf, sample: number): Promise<number | undefined> {
  const lengths: number[] = [];
  await parquetRead({
    file,
    metadata,
    compressors: await loadCodecs(metadata),
    columns: [leaf.name],
    rowStart: 0,
    rowEnd: Math.min(sample, Number(metadata.num_rows)),
    onChunk: (chunk) => {
      const values = chunk.columnData as ArrayLike<ArrayLike<unknown> | null>;
      for (let k = 0; k < values.length; k++) if (values[k]) lengths.push(values[k]!.length);
    },
  });
  const dim = lengths[0];
  return dim !== undefined && dim > 0 && lengths.every((n) => n === dim) ? dim : undefined;
}

/** A page's thrift header read from the file at `at` (headers are small; a larger read is tried when one does not fit). */
async function pageHeaderAt(file: AsyncBuffer, at: number, end: number): Promise<{ struct: ThriftStruct; size: number }> {
  for (let span = 1024; ; span *= 8) {
    const bytes = new Uint8Array(await file.slice(at, Math.min(end, at + span)));
    try {
      const reader: ByteReader = { bytes, offset: 0 };
      const struct = readStruct(reader);
      return { struct, size: reader.offset };
    } catch (error) {
      if (at + span >= end) throw error;
    }
  }
}

function chunkMeta(metadata: FileMetaData, group: number, leaf: VectorLeaf): ColumnMetaData | undefined {
  const key = leaf.path.join('\u0000');
  return metadata.row_groups[group]?.columns.find((c) => c.meta_data?.path_in_schema.join('\u0000') === key)?.meta_data;
}

/**
 * Buffers one reader keeps from a row group to the next (a 512-d chunk is tens of MB, and fresh
 * memory costs a page fault per 4 KB: ~140 ms for 34 MB on the bench machine, against 3 ms to
 * decompress into memory already touched).
 */
export interface VectorReadBuffers {
  chunk: Uint8Array;
  scratch: Scratch;
}
export function vectorReadBuffers(): VectorReadBuffers {
  return { chunk: new Uint8Array(0), scratch: { bytes: new Uint8Array(0) } };
}

/**
 * Decodes one row group's chunk of the column into `out` (the group's rows × dim) and `valid`
 * (1 where the row has exactly `dim` non-null values; other rows are left all zero).
 */
export async function readVectorGroup(
  parquet: Pick<ParquetFile, 'file' | 'metadata' | 'readInto'>,
  group: number,
  leaf: VectorLeaf,
  dim: number,
  out: Float32Array,
  valid: Uint8Array,
  buffers: VectorReadBuffers = vectorReadBuffers(),
): Promise<void> {
  const { file, metadata } = parquet;
  const meta = chunkMeta(metadata, group, leaf);
  if (!meta) throw new Error(`column ${leaf.name} is missing from row group ${group}`);
  const start = chunkStart(meta);
  const size = Number(meta.total_compressed_size);
  if (buffers.chunk.length < size) buffers.chunk = new Uint8Array(Math.ceil(size * 1.25));
  const bytes = await parquet.readInto(start, start + size, buffers.chunk);
  const codecs = await loadCodecs(metadata);
  try {
    decodeVectorChunk(bytes, meta, leaf, dim, out, valid, codecs, buffers.scratch);
  } catch (error) {
    if (!(error instanceof UnsupportedPage)) throw error;
    out.fill(0);
    valid.fill(0);
    await readThroughHyparquet(file, metadata, group, leaf, dim, out, valid, codecs);
  }
}

const DATA_PAGE = 0;
const DATA_PAGE_V2 = 3;
const RLE = 3;

function bitWidth(max: number): number {
  return max === 0 ? 0 : 32 - Math.clz32(max);
}

/** A data page split into its parts, levels not yet decoded: `levels` holds the two level runs. */
interface PageParts {
  count: number;
  encoding: number;
  levels: Uint8Array;
  rep: [number, number];
  def: [number, number];
  data: Uint8Array;
}

/** A reusable buffer pages are decompressed into (a 512-d vector page is tens of MB). */
export interface Scratch {
  bytes: Uint8Array;
}

function decompressPage(page: Uint8Array, size: number, meta: ColumnMetaData, codecs: Compressors, scratch: Scratch): Uint8Array {
  if (meta.codec !== 'SNAPPY') return decompress(page, size, meta.codec, codecs);
  if (scratch.bytes.length < size) scratch.bytes = new Uint8Array(Math.max(size, Math.ceil(scratch.bytes.length * 1.25)));
  const out = scratch.bytes.subarray(0, size);
  snappyDecompress(page, out);
  return out;
}

/** A data page's level runs and values, decompressed (into `scratch` when snappy). */
function pageParts(header: ThriftStruct, page: Uint8Array, leaf: VectorLeaf, meta: ColumnMetaData, codecs: Compressors, scratch: Scratch): PageParts {
  const v2 = (header.get(1) as number) === DATA_PAGE_V2;
  const info = header.get(v2 ? 8 : 5) as ThriftStruct;
  const count = info.get(1) as number;
  const encoding = info.get(v2 ? 4 : 2) as number;
  if (v2) {
    const repBytes = info.get(6) as number;
    const defBytes = info.get(5) as number;
    const values = page.subarray(repBytes + defBytes);
    const data = info.get(7) === false ? values : decompressPage(values, (header.get(2) as number) - repBytes - defBytes, meta, codecs, scratch);
    return { count, encoding, levels: page, rep: [0, repBytes], def: [repBytes, repBytes + defBytes], data };
  }
  const data = decompressPage(page, header.get(2) as number, meta, codecs, scratch);
  let offset = 0;
  const range = (width: number, encodingField: number): [number, number] => {
    if (!width) return [offset, offset];
    if (info.get(encodingField) !== RLE) throw new UnsupportedPage('bit-packed levels');
    const length = data[offset]! | (data[offset + 1]! << 8) | (data[offset + 2]! << 16) | (data[offset + 3]! << 24);
    const r: [number, number] = [offset + 4, offset + 4 + length];
    offset += 4 + length;
    return r;
  };
  const rep = range(bitWidth(leaf.maxRep), 4);
  const def = range(bitWidth(leaf.maxDef), 3);
  return { count, encoding, levels: data, rep, def, data: data.subarray(offset) };
}

/** The page's levels, one entry per value (all zero where the column has none). */
function expandLevels(parts: PageParts, leaf: VectorLeaf): { reps: Uint32Array; defs: Uint32Array } {
  const { count, levels } = parts;
  const reps = new Uint32Array(count);
  const defs = new Uint32Array(count);
  const repWidth = bitWidth(leaf.maxRep);
  const defWidth = bitWidth(leaf.maxDef);
  if (repWidth) readHybrid({ bytes: levels, offset: parts.rep[0] }, parts.rep[1], repWidth, count, reps);
  if (defWidth) readHybrid({ bytes: levels, offset: parts.def[0] }, parts.def[1], defWidth, count, defs);
  return { reps, defs };
}

/**
 * A data page's repetition and definition levels (all zero where the column has none) and its
 * decompressed values; what this decoder does not handle throws `UnsupportedPage`.
 */
function pageLevels(
  header: ThriftStruct,
  page: Uint8Array,
  leaf: VectorLeaf,
  meta: ColumnMetaData,
  codecs: Compressors,
  levelsOnly = false,
  scratch: Scratch = { bytes: new Uint8Array(0) },
): { count: number; reps: Uint32Array; defs: Uint32Array; data: Uint8Array } {
  const parts = pageParts(header, page, leaf, meta, codecs, scratch);
  if (parts.encoding !== PLAIN && !levelsOnly) throw new UnsupportedPage(`encoding ${parts.encoding}`);
  return { count: parts.count, ...expandLevels(parts, leaf), data: parts.data };
}

/** Whether the page is whole rows of `dim` non-null values from its first entry (checked on the level runs). */
function wholeRowsPage(parts: PageParts, leaf: VectorLeaf, dim: number): boolean {
  const { count, levels } = parts;
  return (
    parts.encoding === PLAIN &&
    parts.data.length >= count * 4 &&
    repetitionIsWholeRows(levels, parts.rep[0], parts.rep[1], count, dim) &&
    definitionIsAll(levels, parts.def[0], parts.def[1], bitWidth(leaf.maxDef), count, leaf.maxDef)
  );
}

/**
 * Rows are assembled across pages: a row's values may continue on the next page. Returns how many
 * pages were whole rows copied as one block (the rest were decoded value by value).
 */
export function decodeVectorChunk(
  bytes: Uint8Array,
  meta: ColumnMetaData,
  leaf: VectorLeaf,
  dim: number,
  out: Float32Array,
  valid: Uint8Array,
  codecs: Compressors,
  scratch: Scratch = { bytes: new Uint8Array(0) },
): number {
  let blocks = 0;
  const rows = valid.length;
  const reader: ByteReader = { bytes, offset: 0 };
  const size = leaf.type === 'FLOAT' ? 4 : 8;
  let row = -1;
  let at = 0; // values so far in the current row
  let ok = false;
  const finish = () => {
    if (row < 0) return;
    if (ok && at === dim) valid[row] = 1;
    else out.fill(0, row * dim, (row + 1) * dim);
  };
  let valuesSeen = 0;
  const total = Number(meta.num_values);
  // Whole rows are copied as bytes (the values may sit at any offset in the page).
  const outBytes = size === 4 && LITTLE_ENDIAN ? new Uint8Array(out.buffer, out.byteOffset, out.byteLength) : undefined;
  while (valuesSeen < total && reader.offset < bytes.length) {
    const header = readStruct(reader);
    const compressedSize = header.get(3) as number;
    const page = bytes.subarray(reader.offset, reader.offset + compressedSize);
    reader.offset += compressedSize;
    const type = header.get(1) as number;
    if (type !== DATA_PAGE && type !== DATA_PAGE_V2) {
      if (type === 2) throw new UnsupportedPage('dictionary-encoded floats');
      continue;
    }
    const parts = pageParts(header, page, leaf, meta, codecs, scratch);
    if (outBytes && wholeRowsPage(parts, leaf, dim)) {
      // The usual page (most of the time is spent here): whole rows from its first value, copied as one block.
      const n = parts.count / dim;
      finish();
      if (row + n >= rows) throw new Error(`column ${leaf.name} holds more rows than its row group`);
      outBytes.set(parts.data.subarray(0, parts.count * 4), (row + 1) * dim * 4);
      valid.fill(1, row + 1, row + n);
      row += n;
      // Its last row is judged by \`finish\` like any other: values on the next page make it too long.
      at = dim;
      ok = true;
      valuesSeen += parts.count;
      blocks++;
      continue;
    }
    if (parts.encoding !== PLAIN) throw new UnsupportedPage(`encoding ${parts.encoding}`);
    const { count, data } = parts;
    const { reps, defs } = expandLevels(parts, leaf);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let v = 0;
    for (let i = 0; i < count; ) {
      // The usual row: `dim` values, none null, starting here: copied at once (most of the time spent here).
      if (outBytes && reps[i] === 0 && i + dim <= count && wholeRow(reps, defs, i, dim, leaf.maxDef)) {
        finish();
        row++;
        if (row >= rows) throw new Error(`column ${leaf.name} holds more rows than its row group`);
        outBytes.set(data.subarray(v * 4, (v + dim) * 4), row * dim * 4);
        // A row going on in the next page gets more values there, and is then refused by `finish`.
        at = dim;
        ok = true;
        v += dim;
        i += dim;
        continue;
      }
      if (reps[i] === 0) {
        finish();
        row++;
        if (row >= rows) throw new Error(`column ${leaf.name} holds more rows than its row group`);
        at = 0;
        ok = true;
      }
      // Below the element's definition level: a null element, or a null or empty list.
      if (defs[i] !== leaf.maxDef) {
        ok = false;
        i++;
        continue;
      }
      if (at < dim) out[row * dim + at] = size === 4 ? view.getFloat32(v * 4, true) : view.getFloat64(v * 8, true);
      at++;
      v++;
      i++;
    }
    valuesSeen += count;
  }
  finish();
  return blocks;
}

/** Entries [i, i + dim) are one row's `dim` non-null values. */
function wholeRow(reps: Uint32Array, defs: Uint32Array, i: number, dim: number, maxDef: number): boolean {
  if (defs[i] !== maxDef) return false;
  for (let k = 1; k < dim; k++) if (reps[i + k] !== 1 || defs[i + k] !== maxDef) return false;
  return true;
}

/** Float32Array is the machine's byte order; Parquet's PLAIN floats are little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

async function readThroughHyparquet(
  file: AsyncBuffer,
  metadata: FileMetaData,
  group: number,
  leaf: VectorLeaf,
  dim: number,
  out: Float32Array,
  valid: Uint8Array,
  compressors: Compressors,
): Promise<void> {
  let groupStart = 0;
  for (let g = 0; g < group; g++) groupStart += Number(metadata.row_groups[g]!.num_rows);
  await parquetRead({
    file,
    metadata,
    compressors,
    columns: [leaf.name],
    rowStart: groupStart,
    rowEnd: groupStart + valid.length,
    onChunk: (chunk) => {
      const values = chunk.columnData as ArrayLike<ArrayLike<unknown> | null>;
      for (let k = 0; k < values.length; k++) {
        const r = chunk.rowStart - groupStart + k;
        const row = values[k];
        if (r < 0 || r >= valid.length || !row || row.length !== dim) continue;
        let ok = true;
        for (let d = 0; d < dim; d++) {
          const x = row[d];
          if (typeof x !== 'number') ok = false;
          else out[r * dim + d] = x;
        }
        if (ok) valid[r] = 1;
        else out.fill(0, r * dim, (r + 1) * dim);
      }
    },
  });
}
