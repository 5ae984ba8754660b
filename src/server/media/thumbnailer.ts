import { AppError } from '../app-error.js';
import { loadSharp } from './sharp-loader.js';

export interface ThumbnailSpec {
  /** Target short edge in pixels. */
  size: number;
  quality: number;
}

/**
 * A WebP whose short edge is `spec.size` (never upscaled), EXIF-rotated, first frame only.
 * Runs on libuv's thread pool, so the event loop stays free. The only sharp user in the server.
 */
export async function makeThumbnail(input: string | Buffer, spec: ThumbnailSpec): Promise<Buffer> {
  const sharp = await loadSharp();
  try {
    return await sharp(input, { failOn: 'error' })
      .rotate()
      .resize({ width: spec.size, height: spec.size, fit: 'outside', withoutEnlargement: true })
      // effort 2 instead of the default 4: a ~256px thumbnail loses nothing visible and encodes much faster.
      .webp({ quality: spec.quality, effort: 2 })
      .toBuffer();
  } catch (error) {
    throw new AppError('image_decode_failed', `cannot decode image: ${error instanceof Error ? error.message : String(error)}`);
  }
}
