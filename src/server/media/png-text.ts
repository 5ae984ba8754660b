import { inflateSync } from 'node:zlib';

/** A PNG text chunk, decoded. */
export interface PngTextChunk {
  type: 'tEXt' | 'zTXt' | 'iTXt';
  keyword: string;
  text: string;
  language?: string;
  translated_keyword?: string;
}

/** Reads `length` bytes at `position` (fewer at the end of the data). */
export type ReadAt = (position: number, length: number) => Promise<Buffer>;

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAX_TEXT_CHUNK = 16 * 1024 * 1024;
const MAX_CHUNKS = 100_000;

/**
 * All text chunks of a PNG, wherever they sit: sharp only sees those before IDAT and exifr only
 * tEXt, but ComfyUI/PIL put prompts in iTXt, sometimes after the image data. Image data chunks
 * are skipped by position, never read. Also returns the raw `eXIf` payload if there is one.
 */
export async function readPngChunks(readAt: ReadAt): Promise<{ text: PngTextChunk[]; exif: Buffer | undefined }> {
  const text: PngTextChunk[] = [];
  let exif: Buffer | undefined;
  if (!(await readAt(0, 8)).equals(SIGNATURE)) return { text, exif };
  let position = 8;
  for (let n = 0; n < MAX_CHUNKS; n++) {
    const header = await readAt(position, 8);
    if (header.length < 8) break;
    const length = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    if (type === 'IEND') break;
    const wanted = type === 'tEXt' || type === 'zTXt' || type === 'iTXt' || type === 'eXIf';
    if (wanted && length <= MAX_TEXT_CHUNK) {
      const data = await readAt(position + 8, length);
      if (type === 'eXIf') exif = data;
      else {
        const chunk = decodeTextChunk(type, data);
        if (chunk) text.push(chunk);
      }
    }
    position += 12 + length; // length + type + data + crc
  }
  return { text, exif };
}

export function decodeTextChunk(type: PngTextChunk['type'], data: Buffer): PngTextChunk | undefined {
  const nul = data.indexOf(0);
  if (nul <= 0) return undefined;
  const keyword = data.toString('latin1', 0, nul);
  try {
    if (type === 'tEXt') return { type, keyword, text: data.toString('latin1', nul + 1) };
    if (type === 'zTXt') return { type, keyword, text: inflateSync(data.subarray(nul + 2)).toString('latin1') };
    // iTXt: keyword, compression flag, method, language, translated keyword, UTF-8 text.
    const compressed = data[nul + 1] === 1;
    const languageEnd = data.indexOf(0, nul + 3);
    const translatedEnd = data.indexOf(0, languageEnd + 1);
    if (languageEnd < 0 || translatedEnd < 0) return undefined;
    const body = data.subarray(translatedEnd + 1);
    return {
      type,
      keyword,
      text: (compressed ? inflateSync(body) : body).toString('utf8'),
      language: data.toString('latin1', nul + 3, languageEnd),
      translated_keyword: data.toString('utf8', languageEnd + 1, translatedEnd),
    };
  } catch {
    return undefined; // a corrupt compressed chunk: skip it, keep the others
  }
}
