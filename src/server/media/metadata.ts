import { open } from 'node:fs/promises';
import type { ImageBytes } from './image-bytes.js';
import { parseGenerationParameters } from './generation-params.js';
import { readPngChunks, type PngTextChunk, type ReadAt } from './png-text.js';
import { readWebpExif } from './webp-exif.js';

export interface ImageMetadata {
  path: string;
  format: string;
  width: number;
  height: number;
  exif: Record<string, unknown> | null;
  png_text: PngTextChunk[] | null;
  quick_fields: Record<string, string>;
  /** Text was cut or dropped to stay within the budget (a decompression bomb, or an absurd file). */
  truncated: boolean;
}

const EXIF_OPTIONS = {
  tiff: true,
  exif: true,
  gps: true,
  ifd1: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  mergeOutput: true,
  translateValues: true,
  reviveValues: true,
  sanitize: true,
  userComment: true,
};

/** EXIF (JPEG, TIFF, AVIF by exifr; WebP and PNG eXIf chunks by hand), PNG text, and the handy fields. */
export async function readMetadata(
  path: string,
  type: string,
  size: { w: number; h: number },
  bytes: ImageBytes,
): Promise<ImageMetadata> {
  const format = type.replace(/^image\//, '');
  let buffer: Buffer | undefined = bytes.kind === 'remote' ? await bytes.read() : undefined;
  let exif: Record<string, unknown> | null = null;
  let pngText: PngTextChunk[] | null = null;
  let truncated = false;

  if (format === 'png') {
    const chunks = await withReader(bytes, buffer, (readAt) => readPngChunks(readAt));
    pngText = chunks.text;
    truncated = chunks.truncated;
    if (chunks.exif) exif = await parseExif(chunks.exif);
  } else if (format === 'webp') {
    const tiff = await withReader(bytes, buffer, readWebpExif);
    if (tiff) exif = await parseExif(tiff);
  } else if (format !== 'gif') {
    exif = await parseExif(buffer ?? (bytes.kind === 'file' ? bytes.absPath : Buffer.alloc(0)));
  }
  buffer = undefined;
  const quick = quickFields(exif, pngText);
  return { path, format, width: size.w, height: size.h, exif, png_text: pngText, quick_fields: quick, truncated };
}

type ExifParse = (input: string | Buffer, options: typeof EXIF_OPTIONS) => Promise<unknown>;
let exifrLoading: Promise<ExifParse> | undefined;

/** exifr loads with the first metadata request, not at start. */
function loadExifr(): Promise<ExifParse> {
  exifrLoading ??= import('exifr').then(({ default: exifr }) => (input, options) => exifr.parse(input, options));
  return exifrLoading;
}

async function parseExif(input: string | Buffer): Promise<Record<string, unknown> | null> {
  const parse = await loadExifr();
  try {
    const parsed: unknown = await parse(input, EXIF_OPTIONS);
    if (!parsed || typeof parsed !== 'object') return null;
    return toJsonSafe(parsed, 0) as Record<string, unknown>;
  } catch {
    return null; // unreadable EXIF is not an error for the caller: there is simply none
  }
}

async function withReader<T>(bytes: ImageBytes, buffer: Buffer | undefined, use: (readAt: ReadAt) => Promise<T>): Promise<T> {
  if (buffer || bytes.kind === 'remote') {
    const data = buffer!;
    return use(async (position, length) => data.subarray(position, position + length));
  }
  const handle = await open(bytes.absPath, 'r');
  try {
    return await use(async (position, length) => {
      const out = Buffer.alloc(length);
      const { bytesRead } = await handle.read(out, 0, length, position);
      return out.subarray(0, bytesRead);
    });
  } finally {
    await handle.close();
  }
}

/** JSON has no Buffer, BigInt, Date, NaN or typed arrays: convert or summarize them. */
export function toJsonSafe(value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return decodeBytes(value);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>).slice(0, 64);
  if (depth > 6) return null;
  if (Array.isArray(value)) return value.slice(0, 256).map((v) => toJsonSafe(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = toJsonSafe(v, depth + 1);
    return out;
  }
  return null;
}

/** EXIF UserComment and similar: an 8-byte charset prefix, then text. Other blobs: a size note. */
function decodeBytes(bytes: Uint8Array): string | number[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefix = buf.toString('latin1', 0, 8);
  if (prefix.startsWith('UNICODE')) {
    const body = buf.subarray(8);
    // A1111 (piexif) writes UTF-16BE; others LE. A zero high byte first means big-endian ASCII.
    const bigEndian = body.length > 1 && body[0] === 0 && body[1] !== 0;
    return trimNuls((bigEndian ? Buffer.from(body).swap16() : body).toString('utf16le'));
  }
  if (prefix.startsWith('ASCII')) return trimNuls(buf.toString('latin1', 8));
  if (bytes.byteLength <= 64) return Array.from(bytes); // version fields, component tables
  return `<${bytes.byteLength} bytes>`;
}

/** Trailing NULs cut by hand: `/\0+$/` backtracks quadratically over a long run of NULs mid-text. */
function trimNuls(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
  return text.slice(0, end);
}

function quickFields(exif: Record<string, unknown> | null, text: PngTextChunk[] | null): Record<string, string> {
  const fields: Record<string, string> = {};
  const put = (key: string, value: unknown) => {
    if (typeof value === 'string' && value.trim() && fields[key] === undefined) fields[key] = value.trim();
    else if (typeof value === 'number' && fields[key] === undefined) fields[key] = String(value);
  };
  for (const chunk of text ?? []) {
    const keyword = chunk.keyword.toLowerCase();
    if (keyword === 'parameters') Object.assign(fields, parseGenerationParameters(chunk.text));
    else if (keyword === 'software') put('software', chunk.text);
    else if (keyword === 'description' || keyword === 'comment') put('description', chunk.text);
    else if (keyword === 'prompt' && !chunk.text.trimStart().startsWith('{')) put('prompt', chunk.text);
    else if (keyword === 'prompt' || keyword === 'workflow') put(`comfyui_${keyword}`, chunk.text);
  }
  if (exif) {
    const comment = exif.userComment ?? exif.UserComment; // exifr spells it in lower camel case
    if (typeof comment === 'string' && /Steps:\s*\d+/.test(comment)) {
      for (const [key, value] of Object.entries(parseGenerationParameters(comment))) put(key, value);
    }
    put('software', exif.Software);
    put('description', exif.ImageDescription);
    put('camera_make', exif.Make);
    put('camera_model', exif.Model);
    put('taken_at', exif.DateTimeOriginal);
  }
  return fields;
}
