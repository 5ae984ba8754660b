import type { ColumnMetaData, Compressors, FileMetaData, SchemaTree } from 'hyparquet';
import { parquetSchema } from 'hyparquet';
import { isAscii } from 'node:buffer';
import { countPresent, dictionaryIndices, PLAIN, PLAIN_DICTIONARY, RLE_DICTIONARY, readPage, UnsupportedPage } from './parquet-pages.js';
import type { ByteReader } from './parquet-thrift.js';

/**
 * A fast path for flat BYTE_ARRAY columns (paths, sources, MIME types, notes, ids), PLAIN or
 * dictionary encoded, in data pages v1 or v2, optional or required. hyparquet's reader makes a
 * Uint8Array view per value and a TextDecoder call per view, and hands a whole row group back
 * from one synchronous call; here each value becomes a string straight from the page buffer
 * (`latin1Slice` when the page is pure ASCII, `utf8Slice` otherwise: ~4× faster, no view per
 * value), and the caller takes as many rows at a time as it likes, so it can yield in between.
 * Values are what hyparquet gives: text as its TextDecoder decodes it (a leading byte order mark
 * dropped, invalid bytes replaced), or lowercase hex for raw bytes read without UTF-8; null for
 * null. Other encodings (DELTA_BYTE_ARRAY, …) throw `UnsupportedPage`.
 */
export type StringMode = 'utf8' | 'hex';

/**
 * How the fast path reads column `name`: as text or as hex (as hyparquet would with `utf8`), or
 * undefined when it cannot (nested, repeated, not a byte array, an annotation it converts
 * otherwise: JSON, DECIMAL, geometry …).
 */
export function fastStringColumn(metadata: FileMetaData, name: string, utf8 = true): { node: SchemaTree; mode: StringMode } | undefined {
  const node = parquetSchema(metadata).children.find((c) => c.element.name === name);
  if (!node || node.children.length > 0) return undefined;
  const e = node.element;
  if (e.type !== 'BYTE_ARRAY' || e.repetition_type === 'REPEATED') return undefined;
  const converted = e.converted_type;
  const logical = e.logical_type?.type;
  if (converted !== undefined && converted !== 'UTF8' && converted !== 'ENUM') return undefined;
  if (logical !== undefined && logical !== 'STRING' && logical !== 'ENUM') return undefined;
  const text = converted === 'UTF8' || logical === 'STRING' || utf8;
  return { node, mode: text ? 'utf8' : 'hex' };
}

/** The page being read: its values, and how far into it reading has gone. */
interface OpenPage {
  count: number;
  defined: Uint32Array | undefined;
  /** Row within the page. */
  row: number;
  data: PageBuffer;
  /** PLAIN: the next value's length prefix; dictionary pages: the next index. */
  at: number;
  indices: Uint32Array | undefined;
  ascii: boolean;
}

const BOM_0 = 0xef;
const BOM_1 = 0xbb;
const BOM_2 = 0xbf;
const SLASH = 0x2f;

/**
 * Reads one column chunk's rows in order, a few at a time: `read` decodes the next rows, opening
 * (and decompressing) the next page when the current one is used up. `slashed` puts a `/` before
 * each text value ('a/b.jpg' → '/a/b.jpg'), decoded as one flat string: a table's sources become
 * logical paths without a concatenation per row (a cons string, flattened again by the first
 * hash of it: two strings per row, 2M short-lived strings per million rows).
 */
export class StringChunkReader {
  private readonly reader: ByteReader;
  private readonly optional: boolean;
  private dictionary: string[] | undefined;
  private page: OpenPage | undefined;

  constructor(
    bytes: Uint8Array,
    private readonly meta: ColumnMetaData,
    node: SchemaTree,
    private readonly mode: StringMode,
    private readonly codecs: Compressors,
    private readonly slashed = false,
  ) {
    this.reader = { bytes, offset: 0 };
    this.optional = node.element.repetition_type === 'OPTIONAL';
  }

  /** Decodes up to `count` rows into `out[at…]`; returns how many (fewer only at the chunk's end). */
  read(out: (string | null)[], at: number, count: number): number {
    let done = 0;
    while (done < count) {
      const page = this.page ?? this.nextPage();
      if (!page) break;
      const n = Math.min(count - done, page.count - page.row);
      this.decode(page, out, at + done, n);
      done += n;
      if (page.row === page.count) this.page = undefined;
    }
    return done;
  }

  /** Passes over `count` rows (a read that starts inside the chunk). */
  skip(count: number): number {
    const scratch = new Array<string | null>(Math.min(count, 8192));
    let done = 0;
    while (done < count) {
      const n = this.read(scratch, 0, Math.min(scratch.length, count - done));
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  private nextPage(): OpenPage | undefined {
    const bytes = this.reader.bytes;
    while (this.reader.offset < bytes.length) {
      const page = readPage(this.reader, this.meta.codec, this.optional, this.codecs);
      if (page.kind === 'dictionary') {
        const data = asBuffer(page.data);
        this.dictionary = new Array<string>(page.count);
        const dict = { count: page.count, defined: undefined, row: 0, data, at: 0, indices: undefined, ascii: isAscii(data) };
        this.decodePlain(dict, this.dictionary, 0, page.count);
        continue;
      }
      if (page.kind !== 'data') continue;
      const data = asBuffer(page.data);
      const present = page.defined ? countPresent(page.defined) : page.count;
      const open: OpenPage = { count: page.count, defined: page.defined, row: 0, data, at: 0, indices: undefined, ascii: false };
      if (page.encoding === PLAIN) open.ascii = isAscii(data);
      else if (page.encoding === PLAIN_DICTIONARY || page.encoding === RLE_DICTIONARY) {
        if (!this.dictionary) throw new Error('dictionary-encoded page without a dictionary');
        open.indices = dictionaryIndices(data, present);
      } else throw new UnsupportedPage(`encoding ${page.encoding}`);
      this.page = open;
      return open;
    }
    return undefined;
  }

  private decode(page: OpenPage, out: (string | null)[], at: number, count: number): void {
    const defined = page.defined;
    if (!defined) {
      if (page.indices) this.decodeIndexed(page, out, at, count);
      else this.decodePlain(page, out, at, count);
      page.row += count;
      return;
    }
    // Runs of present values between nulls, each decoded in one call.
    let k = 0;
    while (k < count) {
      if (!defined[page.row + k]) {
        out[at + k++] = null;
        continue;
      }
      let run = 1;
      while (k + run < count && defined[page.row + k + run]) run++;
      if (page.indices) this.decodeIndexed(page, out, at + k, run);
      else this.decodePlain(page, out, at + k, run);
      k += run;
    }
    page.row += count;
  }

  private decodeIndexed(page: OpenPage, out: (string | null)[], at: number, count: number): void {
    const dictionary = this.dictionary!;
    const indices = page.indices!;
    for (let i = 0; i < count; i++) {
      const value = dictionary[indices[page.at++]!];
      if (value === undefined) throw new Error('dictionary index out of range');
      out[at + i] = value;
    }
  }

  /** `count` PLAIN values: each a 4-byte little-endian length, then that many bytes. */
  private decodePlain(page: OpenPage, out: (string | null)[], at: number, count: number): void {
    const data = page.data;
    const end = data.length;
    let offset = page.at;
    for (let i = 0; i < count; i++) {
      if (offset + 4 > end) throw new Error('byte array page ends early');
      const length = data[offset]! | (data[offset + 1]! << 8) | (data[offset + 2]! << 16) | (data[offset + 3]! << 24);
      const start = offset + 4;
      offset = start + length;
      if (length < 0 || offset > end) throw new Error('byte array value runs past its page');
      out[at + i] =
        this.mode === 'hex' ? data.hexSlice(start, offset)
        : this.slashed ? slashedText(data, start, offset, page.ascii)
        : page.ascii ? data.latin1Slice(start, offset)
        : utf8Text(data, start, offset);
    }
    page.at = offset;
  }
}

/** As TextDecoder decodes it: a leading byte order mark is dropped (Buffer's decoder keeps it). */
function utf8Text(data: PageBuffer, start: number, end: number): string {
  if (end - start >= 3 && data[start] === BOM_0 && data[start + 1] === BOM_1 && data[start + 2] === BOM_2) start += 3;
  return data.utf8Slice(start, end);
}

/**
 * `/` and the text of bytes [start, end), sliced at once: the byte before a value (its length
 * prefix, already read, or a dropped byte order mark) becomes the `/` for that one slice and is
 * then put back, so the page reads the same afterwards.
 */
function slashedText(data: PageBuffer, start: number, end: number, ascii: boolean): string {
  if (!ascii && end - start >= 3 && data[start] === BOM_0 && data[start + 1] === BOM_1 && data[start + 2] === BOM_2) start += 3;
  const before = data[start - 1]!;
  data[start - 1] = SLASH;
  const text = ascii ? data.latin1Slice(start - 1, end) : data.utf8Slice(start - 1, end);
  data[start - 1] = before;
  return text;
}

/**
 * Buffer's per-encoding slice methods: what `toString(encoding, start, end)` calls after checking
 * its arguments (undocumented, not in @types/node, but on every Buffer since Node's first versions);
 * called directly they save a fifth of the time per value.
 */
type PageBuffer = Buffer & {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
};

function asBuffer(bytes: Uint8Array): PageBuffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as PageBuffer;
}
