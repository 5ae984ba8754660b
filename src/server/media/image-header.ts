/**
 * Image dimensions from the first bytes of a file, without decoding: JPEG SOF, PNG IHDR, GIF,
 * WebP (VP8/VP8L/VP8X), AVIF `ispe`, TIFF IFD0. Pure functions over a Buffer so the indexing
 * worker can call them on bytes it read synchronously. Reported sizes are as displayed: an EXIF
 * orientation of 5..8 (JPEG, TIFF) or an AVIF `irot` of 90/270 swaps width and height, matching
 * the thumbnails, which are auto-rotated.
 */
export interface Dimensions {
  w: number;
  h: number;
}

/** `more`: the answer lies past the end of `buf`, so read a larger prefix and ask again. */
export type ProbeResult = Dimensions | 'more' | null;

export function probeDimensions(buf: Buffer, complete: boolean): ProbeResult {
  if (buf.length < 12) return complete ? null : 'more';
  if (buf[0] === 0xff && buf[1] === 0xd8) return jpeg(buf, complete);
  if (buf.readUInt32BE(0) === 0x89504e47) return buf.length >= 24 ? dims(buf.readUInt32BE(16), buf.readUInt32BE(20)) : null;
  if (buf.toString('latin1', 0, 4) === 'GIF8') return dims(buf.readUInt16LE(6), buf.readUInt16LE(8));
  if (buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return webp(buf);
  if (buf.toString('latin1', 4, 8) === 'ftyp') return avif(buf, complete);
  const order = buf.toString('latin1', 0, 2);
  if (order === 'II' || order === 'MM') return tiff(buf, 0, complete);
  return null;
}

function dims(w: number, h: number, swap = false): Dimensions | null {
  if (!(w > 0 && h > 0)) return null;
  return swap ? { w: h, h: w } : { w, h };
}

function jpeg(buf: Buffer, complete: boolean): ProbeResult {
  let pos = 2;
  let swap = false;
  while (pos + 9 < buf.length) {
    if (buf[pos] !== 0xff) return null;
    const marker = buf[pos + 1]!;
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      pos += 2;
      continue;
    }
    const length = buf.readUInt16BE(pos + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return dims(buf.readUInt16BE(pos + 7), buf.readUInt16BE(pos + 5), swap);
    if (marker === 0xe1 && pos + 10 <= buf.length && buf.toString('latin1', pos + 4, pos + 10) === 'Exif\0\0') {
      const end = Math.min(buf.length, pos + 2 + length);
      const orientation = tiffOrientation(buf.subarray(pos + 10, end));
      swap = orientation !== undefined && orientation >= 5 && orientation <= 8;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // image data before any SOF: broken
    pos += 2 + length;
  }
  return complete ? null : 'more';
}

function webp(buf: Buffer): ProbeResult {
  if (buf.length < 30) return null;
  const chunk = buf.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') return dims(buf.readUInt16LE(26) & 0x3fff, buf.readUInt16LE(28) & 0x3fff);
  if (chunk === 'VP8L') {
    const b1 = buf[22]!;
    const b2 = buf[23]!;
    const b3 = buf[24]!;
    return dims(1 + (((b1 & 0x3f) << 8) | buf[21]!), 1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)));
  }
  if (chunk === 'VP8X') return dims(1 + buf.readUIntLE(24, 3), 1 + buf.readUIntLE(27, 3));
  return null;
}

/** AVIF/HEIF: the largest `ispe` box is the primary image (smaller ones are thumbnails or tiles). */
function avif(buf: Buffer, complete: boolean): ProbeResult {
  let best: Dimensions | null = null;
  for (let at = buf.indexOf('ispe', 0, 'latin1'); at >= 0 && at + 16 <= buf.length; at = buf.indexOf('ispe', at + 4, 'latin1')) {
    const w = buf.readUInt32BE(at + 8);
    const h = buf.readUInt32BE(at + 12);
    if (!best || w * h > best.w * best.h) best = { w, h };
  }
  if (!best) return complete ? null : 'more';
  const irot = buf.indexOf('irot', 0, 'latin1');
  const angle = irot >= 0 && irot + 5 <= buf.length ? buf[irot + 4]! & 0x03 : 0;
  return dims(best.w, best.h, angle === 1 || angle === 3);
}

interface IfdEntry {
  tag: number;
  value: number;
}

function readIfd0(buf: Buffer): IfdEntry[] | 'more' | null {
  if (buf.length < 8) return 'more';
  const order = buf.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const le = order === 'II';
  const u16 = (at: number) => (le ? buf.readUInt16LE(at) : buf.readUInt16BE(at));
  const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  if (u16(2) !== 42) return null;
  const ifd = u32(4);
  if (ifd + 2 > buf.length) return 'more';
  const count = u16(ifd);
  if (ifd + 2 + count * 12 > buf.length) return 'more';
  const entries: IfdEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + i * 12;
    const type = u16(at + 2);
    entries.push({ tag: u16(at), value: type === 3 ? u16(at + 8) : u32(at + 8) });
  }
  return entries;
}

function tiffOrientation(tiffBytes: Buffer): number | undefined {
  const entries = readIfd0(tiffBytes);
  if (!Array.isArray(entries)) return undefined;
  return entries.find((e) => e.tag === 0x0112)?.value;
}

function tiff(buf: Buffer, start: number, complete: boolean): ProbeResult {
  const entries = readIfd0(buf.subarray(start));
  if (entries === 'more') return complete ? null : 'more';
  if (!entries) return null;
  const get = (tag: number) => entries.find((e) => e.tag === tag)?.value ?? 0;
  const orientation = get(0x0112);
  return dims(get(256), get(257), orientation >= 5 && orientation <= 8);
}
