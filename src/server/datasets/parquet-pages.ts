import type { ColumnMetaData, Compressors } from 'hyparquet';
import { snappyUncompress } from 'hyparquet';
import { readHybrid } from './parquet-levels.js';
import { type ByteReader, readStruct, type ThriftStruct } from './parquet-thrift.js';

/**
 * The pages of one flat column chunk, as Lenslet's own decoders (numbers, strings) read them:
 * the thrift header, the definition levels of an optional column and the decompressed values,
 * for data pages v1 and v2 and the dictionary page. What these decoders do not handle (bit-packed
 * levels, repetition levels, a codec without a decoder) throws `UnsupportedPage`, and the caller
 * reads that row group through hyparquet's general reader instead.
 */
export class UnsupportedPage extends Error {}

// Parquet's thrift enums and page header field ids.
const DATA_PAGE = 0;
const DICTIONARY_PAGE = 2;
const DATA_PAGE_V2 = 3;
const RLE = 3;
export const PLAIN = 0;
export const PLAIN_DICTIONARY = 2;
export const RLE_DICTIONARY = 8;

export type Page =
  | { kind: 'dictionary'; count: number; data: Uint8Array }
  /** `defined[k]` is 1 when row k of the page has a value (absent: every row has one). */
  | { kind: 'data'; count: number; encoding: number; defined: Uint32Array | undefined; data: Uint8Array }
  /** An index page, or another kind that carries no values. */
  | { kind: 'other' };

/** Reads the page at `reader.offset` of a column chunk and moves past it. */
export function readPage(reader: ByteReader, codec: ColumnMetaData['codec'], optional: boolean, codecs: Compressors): Page {
  const header = readStruct(reader);
  const size = header.get(3) as number;
  const page = reader.bytes.subarray(reader.offset, reader.offset + size);
  reader.offset += size;
  const type = header.get(1) as number;
  if (type === DICTIONARY_PAGE) {
    const dict = header.get(7) as ThriftStruct;
    return { kind: 'dictionary', count: dict.get(1) as number, data: decompress(page, header.get(2) as number, codec, codecs) };
  }
  if (type !== DATA_PAGE && type !== DATA_PAGE_V2) return { kind: 'other' };
  const v2 = type === DATA_PAGE_V2;
  const info = header.get(v2 ? 8 : 5) as ThriftStruct;
  const count = info.get(1) as number;
  const encoding = info.get(v2 ? 4 : 2) as number;
  let data: Uint8Array;
  let defined: Uint32Array | undefined;
  if (v2) {
    const defBytes = info.get(5) as number;
    const repBytes = info.get(6) as number;
    if (repBytes) throw new UnsupportedPage('repetition levels');
    if (optional) defined = decodeLevels({ bytes: page, offset: 0 }, defBytes, count);
    const values = page.subarray(defBytes);
    data = info.get(7) === false ? values : decompress(values, (header.get(2) as number) - defBytes, codec, codecs);
  } else {
    data = decompress(page, header.get(2) as number, codec, codecs);
    if (optional) {
      if (info.get(3) !== RLE) throw new UnsupportedPage('bit-packed definition levels');
      const length = data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24);
      defined = decodeLevels({ bytes: data, offset: 4 }, length, count);
      data = data.subarray(4 + length);
    }
  }
  return { kind: 'data', count, encoding, defined, data };
}

function decodeLevels(reader: ByteReader, length: number, count: number): Uint32Array {
  const levels = new Uint32Array(count);
  readHybrid(reader, reader.offset + length, 1, count, levels);
  return levels;
}

/** How many rows of a page have a value. */
export function countPresent(defined: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < defined.length; i++) n += defined[i]!;
  return n;
}

/** The dictionary indices of a dictionary-encoded page (its first byte is their bit width). */
export function dictionaryIndices(data: Uint8Array, count: number): Uint32Array {
  const indices = new Uint32Array(count);
  if (count > 0) readHybrid({ bytes: data, offset: 1 }, data.length, data[0]!, count, indices);
  return indices;
}

export function decompress(page: Uint8Array, size: number, codec: ColumnMetaData['codec'], codecs: Compressors): Uint8Array {
  if (codec === 'UNCOMPRESSED') return page;
  const decoder = codecs[codec];
  if (decoder) return decoder(page, size);
  if (codec === 'SNAPPY') {
    const out = new Uint8Array(size);
    snappyUncompress(page, out);
    return out;
  }
  throw new UnsupportedPage(`codec ${codec}`);
}

/** The first byte of a column chunk: its dictionary page when it has one, else its first data page. */
export function chunkStart(meta: ColumnMetaData): number {
  const dictionaryAt = meta.dictionary_page_offset === undefined ? undefined : Number(meta.dictionary_page_offset);
  return dictionaryAt !== undefined && dictionaryAt > 0 ? Math.min(dictionaryAt, Number(meta.data_page_offset)) : Number(meta.data_page_offset);
}
