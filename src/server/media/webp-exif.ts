import type { ReadAt } from './png-text.js';

const MAX_EXIF = 4 * 1024 * 1024;
const MAX_CHUNKS = 10_000;

/**
 * The EXIF payload of a WebP (its `EXIF` RIFF chunk), as TIFF bytes exifr can parse; exifr
 * itself does not read WebP. Image data chunks are skipped by position, never read.
 */
export async function readWebpExif(readAt: ReadAt): Promise<Buffer | undefined> {
  const header = await readAt(0, 12);
  if (header.length < 12 || header.toString('latin1', 0, 4) !== 'RIFF' || header.toString('latin1', 8, 12) !== 'WEBP') return undefined;
  const end = 8 + header.readUInt32LE(4);
  let position = 12;
  for (let n = 0; n < MAX_CHUNKS && position + 8 <= end; n++) {
    const chunk = await readAt(position, 8);
    if (chunk.length < 8) return undefined;
    const size = chunk.readUInt32LE(4);
    if (chunk.toString('latin1', 0, 4) === 'EXIF') {
      if (size > MAX_EXIF) return undefined;
      const data = await readAt(position + 8, size);
      // Some writers keep JPEG's "Exif\0\0" prefix (gotcha: exifr then sees an unknown format).
      return data.toString('latin1', 0, 6) === 'Exif\0\0' ? data.subarray(6) : data;
    }
    position += 8 + size + (size & 1); // chunks are padded to an even size
  }
  return undefined;
}
