import { createInflate } from 'node:zlib';

/** A PNG text chunk, decoded. `truncated` when its text was cut to the budget. */
export interface PngTextChunk {
  type: 'tEXt' | 'zTXt' | 'iTXt';
  keyword: string;
  text: string;
  language?: string;
  translated_keyword?: string;
  truncated?: true;
}

/** Reads `length` bytes at `position` (fewer at the end of the data). */
export type ReadAt = (position: number, length: number) => Promise<Buffer>;

/**
 * How much text one image may yield. A zTXt chunk of 150 KB inflates to 150 MiB; real prompts and
 * ComfyUI workflows stay far below these, so only a bomb (or an absurd file) is cut.
 */
export interface TextBudget {
  /** Decoded bytes kept per chunk. */
  perChunk: number;
  /** Decoded bytes kept over all chunks; chunks past it are dropped. */
  total: number;
  /** Text chunks kept. */
  chunks: number;
}

export const DEFAULT_TEXT_BUDGET: TextBudget = { perChunk: 1024 * 1024, total: 4 * 1024 * 1024, chunks: 256 };

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Compressed input read per chunk: deflate never expands by more than ~1032×, so this feeds any kept output. */
const MAX_COMPRESSED_READ = 4 * 1024 * 1024;
const MAX_EXIF_CHUNK = 4 * 1024 * 1024;
const MAX_CHUNKS = 100_000;

export interface PngChunks {
  text: PngTextChunk[];
  exif: Buffer | undefined;
  /** Some text was cut or dropped to stay within the budget. */
  truncated: boolean;
}

/**
 * All text chunks of a PNG, wherever they sit: sharp only sees those before IDAT and exifr only
 * tEXt, but ComfyUI/PIL put prompts in iTXt, sometimes after the image data. Image data chunks
 * are skipped by position, never read. Also returns the raw `eXIf` payload if there is one.
 * Compressed text is inflated on zlib's thread pool, never past the budget.
 */
export async function readPngChunks(readAt: ReadAt, budget: TextBudget = DEFAULT_TEXT_BUDGET): Promise<PngChunks> {
  const out: PngChunks = { text: [], exif: undefined, truncated: false };
  if (!(await readAt(0, 8)).equals(SIGNATURE)) return out;
  let left = budget.total;
  let position = 8;
  for (let n = 0; n < MAX_CHUNKS; n++) {
    const header = await readAt(position, 8);
    if (header.length < 8) break;
    const length = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    if (type === 'IEND') break;
    if (type === 'eXIf' && length <= MAX_EXIF_CHUNK) out.exif = await readAt(position + 8, length);
    else if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
      if (left <= 0 || out.text.length >= budget.chunks) out.truncated = true;
      else {
        // Uncompressed text past the limit is never needed; compressed input is read up to a bound.
        const limit = Math.min(budget.perChunk, left);
        const wanted = type === 'tEXt' ? Math.min(length, limit + 256) : Math.min(length, MAX_COMPRESSED_READ);
        const data = await readAt(position + 8, wanted);
        const chunk = await decodeTextChunk(type, data, limit, wanted < length);
        if (chunk) {
          out.text.push(chunk);
          left -= Buffer.byteLength(chunk.text, type === 'iTXt' ? 'utf8' : 'latin1');
          if (chunk.truncated) out.truncated = true;
        }
      }
    }
    position += 12 + length; // length + type + data + crc
  }
  return out;
}

/**
 * One text chunk, its text cut to `limit` bytes. `cut` says `data` is only the start of the chunk.
 * Undefined for a malformed chunk (the others are kept).
 */
export async function decodeTextChunk(type: PngTextChunk['type'], data: Buffer, limit: number, cut = false): Promise<PngTextChunk | undefined> {
  const nul = data.indexOf(0);
  if (nul <= 0 || nul > 79) return undefined; // keywords are 1-79 bytes
  const keyword = data.toString('latin1', 0, nul);
  if (type === 'tEXt') return textChunk({ type, keyword }, capped(data.subarray(nul + 1), limit, cut), 'latin1');
  if (type === 'zTXt') {
    const text = await inflateCapped(data.subarray(nul + 2), limit, cut);
    return text && textChunk({ type, keyword }, text, 'latin1');
  }
  // iTXt: keyword, compression flag, method, language, translated keyword, UTF-8 text.
  const compressed = data[nul + 1] === 1;
  const languageEnd = data.indexOf(0, nul + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (languageEnd < 0 || translatedEnd < 0) return undefined;
  const body = data.subarray(translatedEnd + 1);
  const text = compressed ? await inflateCapped(body, limit, cut) : capped(body, limit, cut);
  if (!text) return undefined;
  return textChunk(
    { type, keyword, language: data.toString('latin1', nul + 3, languageEnd), translated_keyword: data.toString('utf8', languageEnd + 1, translatedEnd) },
    text,
    'utf8',
  );
}

interface Capped {
  bytes: Buffer;
  truncated: boolean;
}

function capped(bytes: Buffer, limit: number, cut: boolean): Capped {
  return bytes.length > limit ? { bytes: bytes.subarray(0, limit), truncated: true } : { bytes, truncated: cut };
}

function textChunk(head: Omit<PngTextChunk, 'text'>, { bytes, truncated }: Capped, encoding: 'latin1' | 'utf8'): PngTextChunk {
  const end = truncated && encoding === 'utf8' ? utf8Boundary(bytes) : bytes.length;
  const chunk: PngTextChunk = { ...head, text: bytes.toString(encoding, 0, end) };
  if (truncated) chunk.truncated = true;
  return chunk;
}

/** Where the last whole UTF-8 character of a cut buffer ends (a cut can split one). */
function utf8Boundary(bytes: Buffer): number {
  let start = bytes.length - 1;
  while (start > 0 && start > bytes.length - 4 && (bytes[start]! & 0xc0) === 0x80) start--;
  const lead = bytes[start] ?? 0;
  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return start + size <= bytes.length ? bytes.length : start;
}

/**
 * Inflates at most `limit` bytes of `input`, then stops the stream (zlib's `maxOutputLength`
 * throws the output away instead of keeping the start). Runs on the libuv thread pool. A stream
 * that breaks after some output (e.g. input cut to the read bound) keeps that output as truncated;
 * one that yields nothing is undefined, as a corrupt chunk.
 */
export function inflateCapped(input: Buffer, limit: number, cut = false): Promise<Capped | undefined> {
  return new Promise((resolve) => {
    const inflater = createInflate({ chunkSize: 64 * 1024 });
    const parts: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (truncated: boolean) => {
      if (settled) return;
      settled = true;
      inflater.destroy();
      resolve({ bytes: Buffer.concat(parts, size), truncated });
    };
    inflater.on('data', (chunk: Buffer) => {
      const room = limit - size;
      if (chunk.length > room) {
        parts.push(chunk.subarray(0, room));
        size += room;
        finish(true);
        return;
      }
      parts.push(chunk);
      size += chunk.length;
    });
    inflater.on('end', () => finish(cut));
    inflater.on('error', () => {
      if (size === 0 && !cut) {
        settled = true;
        resolve(undefined);
      } else finish(true);
    });
    inflater.end(input);
  });
}
