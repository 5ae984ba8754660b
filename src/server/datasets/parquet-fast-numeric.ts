import type { AsyncBuffer, FileMetaData, SchemaTree } from 'hyparquet';
import { parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetHeader } from 'hyparquet/src/column.js';
import { convert, convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readPlain } from 'hyparquet/src/plain.js';
import type { ColumnDecoder, DecodedArray } from 'hyparquet/src/types.js';

/**
 * A fast path for the common metric column: flat, optional or required INT32/INT64/FLOAT/DOUBLE.
 * hyparquet's general reader assembles every page through its Dremel routine into an array of
 * boxed numbers with nulls; here the page's definition levels go straight into a Float64Array
 * (NaN for null), which at a million rows × 20 columns halves the read time and most of the
 * garbage. Pages are decoded with hyparquet's own page functions, so codecs and encodings
 * (PLAIN, dictionary, delta) are exactly hyparquet's.
 */
const NUMERIC = new Set(['INT32', 'INT64', 'FLOAT', 'DOUBLE']);
const PLAIN_INTEGERS = new Set(['INT_8', 'INT_16', 'INT_32', 'INT_64', 'UINT_8', 'UINT_16', 'UINT_32', 'UINT_64']);

/** The column's schema node when the fast path can read it, else undefined. */
export function fastNumericColumn(metadata: FileMetaData, name: string): SchemaTree | undefined {
  const node = parquetSchema(metadata).children.find((c) => c.element.name === name);
  if (!node || node.children.length > 0) return undefined;
  const e = node.element;
  if (!e.type || !NUMERIC.has(e.type) || e.repetition_type === 'REPEATED') return undefined;
  if (e.converted_type && !PLAIN_INTEGERS.has(e.converted_type)) return undefined;
  if (e.logical_type && e.logical_type.type !== 'INTEGER') return undefined;
  return node;
}

/** Reads one column of one row group as numbers (NaN = null). */
export async function readNumericGroup(file: AsyncBuffer, metadata: FileMetaData, group: number, node: SchemaTree): Promise<Float64Array> {
  const rowGroup = metadata.row_groups[group]!;
  const name = node.element.name;
  const chunk = rowGroup.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name);
  const meta = chunk?.meta_data;
  if (!meta) throw new Error(`column ${name} is missing from row group ${group}`);
  const rows = Number(rowGroup.num_rows);
  const out = new Float64Array(rows).fill(NaN);
  const dictionaryAt = meta.dictionary_page_offset === undefined ? undefined : Number(meta.dictionary_page_offset);
  const start = dictionaryAt !== undefined && dictionaryAt > 0 ? Math.min(dictionaryAt, Number(meta.data_page_offset)) : Number(meta.data_page_offset);
  const bytes = await file.slice(start, start + Number(meta.total_compressed_size));
  const reader = { view: new DataView(bytes), offset: 0 };
  const schemaPath: SchemaTree[] = [parquetSchema(metadata), node];
  const maxDefinition = node.element.repetition_type === 'OPTIONAL' ? 1 : 0;
  const decoder: ColumnDecoder = {
    pathInSchema: [name],
    type: meta.type,
    element: node.element,
    schemaPath,
    codec: meta.codec,
    compressors,
    parsers: DEFAULT_PARSERS,
  };
  let dictionary: DecodedArray | undefined;
  let row = 0;
  while (row < rows && reader.offset < bytes.byteLength) {
    const header = parquetHeader(reader);
    const page = new Uint8Array(bytes, reader.offset, header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    let levels: ArrayLike<number> | undefined;
    let values: DecodedArray;
    let count: number;
    if (header.type === 'DICTIONARY_PAGE') {
      const plain = decompressPage(page, header.uncompressed_page_size, meta.codec, compressors);
      const view = { view: new DataView(plain.buffer, plain.byteOffset, plain.byteLength), offset: 0 };
      dictionary = convert(readPlain(view, meta.type, header.dictionary_page_header!.num_values, node.element.type_length), decoder);
      continue;
    } else if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header!;
      const plain = decompressPage(page, header.uncompressed_page_size, meta.codec, compressors);
      const data = readDataPage(plain, daph, decoder);
      levels = data.definitionLevels;
      values = convertWithDictionary(data.dataPage, dictionary, daph.encoding, decoder);
      count = daph.num_values;
    } else if (header.type === 'DATA_PAGE_V2') {
      const daph = header.data_page_header_v2!;
      const data = readDataPageV2(page, header, decoder);
      levels = data.definitionLevels;
      values = convertWithDictionary(data.dataPage, dictionary, daph.encoding, decoder);
      count = daph.num_values;
    } else {
      continue; // index pages carry no values
    }
    const end = Math.min(rows, row + count);
    if (maxDefinition === 0 || !levels || levels.length === 0) {
      for (let k = 0; row + k < end && k < values.length; k++) out[row + k] = Number(values[k]);
    } else {
      let v = 0;
      for (let k = 0; row + k < end; k++) if (levels[k] === maxDefinition) out[row + k] = Number(values[v++]);
    }
    row = end;
  }
  return out;
}
