import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** A generated image. Keep them tiny: sharp on big noise images is slow (dependencies gotcha 6). */
export interface ImageSpec {
  w: number;
  h: number;
  color?: { r: number; g: number; b: number };
  /** EXIF IFD0 fields for JPEG/WebP/TIFF, e.g. { Software: 'x', ImageDescription: 'y' }. */
  exif?: Record<string, string>;
  /** EXIF orientation (1-8), JPEG only. */
  orientation?: number;
  /** EXIF UserComment (where A1111 puts generation parameters in JPEG/WebP). */
  userComment?: string;
  /** PNG text chunks as tEXt/zTXt/iTXt: after IDAT (where sharp can't see them) unless `before: true`. */
  pngText?: { keyword: string; text: string; type?: 'tEXt' | 'zTXt' | 'iTXt'; before?: boolean }[];
}

/** A value in a tree spec: an image to generate, raw file contents, or a symlink. */
export type TreeEntry = ImageSpec | string | Buffer | { symlink: string };
export type TreeSpec = Record<string, TreeEntry>;

export function makeTempDir(prefix = 'lenslet-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Writes `spec` under `dir`: keys are relative paths (`a/b.jpg`), the extension picks the
 * format. Returns `dir`. Example: `makeImageTree(d, { 'a.jpg': { w: 40, h: 30 }, 'x.txt': 'hi' })`.
 */
export async function makeImageTree(dir: string, spec: TreeSpec): Promise<string> {
  for (const [relative, entry] of Object.entries(spec)) {
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) writeFileSync(path, entry);
    else if ('symlink' in entry) symlinkSync(entry.symlink, path);
    else writeFileSync(path, await encodeImage(extname(relative).slice(1).toLowerCase(), entry));
  }
  return dir;
}

export async function encodeImage(format: string, spec: ImageSpec): Promise<Buffer> {
  const background = spec.color ?? { r: 200, g: 80, b: 40 };
  let image = sharp({ create: { width: spec.w, height: spec.h, channels: 3, background } });
  if (spec.exif || spec.orientation || spec.userComment) {
    image = image.withMetadata({
      ...(spec.orientation ? { orientation: spec.orientation } : {}),
      exif: { IFD0: spec.exif ?? {}, ...(spec.userComment ? { IFD2: { UserComment: spec.userComment } } : {}) },
    });
  }
  switch (format) {
    case 'jpg':
    case 'jpeg':
      return image.jpeg({ quality: 80 }).toBuffer();
    case 'png': {
      const png = await image.png().toBuffer();
      return spec.pngText ? insertPngText(png, spec.pngText) : png;
    }
    case 'webp':
      return image.webp({ quality: 80 }).toBuffer();
    case 'gif':
      return image.gif().toBuffer();
    case 'avif':
      return image.avif({ quality: 50, effort: 0 }).toBuffer();
    case 'tif':
    case 'tiff':
      return image.tiff().toBuffer();
    default:
      throw new Error(`makeImageTree: no image format for ".${format}"`);
  }
}

/** Inserts text chunks just before IEND (after the image data), or before the first IDAT. */
export function insertPngText(png: Buffer, chunks: NonNullable<ImageSpec['pngText']>): Buffer {
  const iendAt = png.length - 12;
  const idatAt = png.indexOf('IDAT', 8, 'latin1') - 4;
  const encode = ({ keyword, text, type = 'tEXt' }: NonNullable<ImageSpec['pngText']>[number]) => {
    const key = Buffer.from(`${keyword}\0`, 'latin1');
    if (type === 'tEXt') return pngChunk(type, Buffer.concat([key, Buffer.from(text, 'latin1')]));
    if (type === 'zTXt') return pngChunk(type, Buffer.concat([key, Buffer.from([0]), deflateSync(Buffer.from(text, 'latin1'))]));
    // iTXt, compressed, no language tag.
    return pngChunk(type, Buffer.concat([key, Buffer.from([1, 0, 0, 0]), deflateSync(Buffer.from(text, 'utf8'))]));
  };
  const before = chunks.filter((c) => c.before).map(encode);
  const after = chunks.filter((c) => !c.before).map(encode);
  return Buffer.concat([png.subarray(0, idatAt), ...before, png.subarray(idatAt, iendAt), ...after, png.subarray(iendAt)]);
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(data.length, 0);
  header.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([header.subarray(4), data])), 0);
  return Buffer.concat([header, data, crc]);
}
