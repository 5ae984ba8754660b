import type SharpFactory from 'sharp';
import type { Sharp } from 'sharp';
import { AppError } from '../app-error.js';
import { phashOf } from './phash.js';
import { loadSharp } from './sharp-loader.js';

export interface ThumbnailSpec {
  /** Target short edge in pixels. */
  size: number;
  quality: number;
}

/**
 * A WebP whose short edge is `spec.size` (never upscaled), EXIF-rotated, first frame only.
 * Runs on libuv's thread pool, so the event loop stays free. With phash.ts, the only sharp user in the server.
 */
export async function makeThumbnail(input: string | Buffer, spec: ThumbnailSpec): Promise<Buffer> {
  const sharp = await loadSharp();
  try {
    return await encodeThumbnail(reduced(sharp, input, spec), spec);
  } catch (error) {
    throw decodeFailed(error);
  }
}

/**
 * The thumbnail and the perceptual hash from ONE decode: the image is decoded and reduced to the
 * thumbnail's size once, as raw pixels, and both the WebP and the hash are made from those.
 * The hash is null when only it failed.
 */
export async function makeThumbnailAndHash(input: string | Buffer, spec: ThumbnailSpec): Promise<{ body: Buffer; phash: bigint | null }> {
  const sharp = await loadSharp();
  try {
    const pixels = await reduced(sharp, input, spec).raw().toBuffer({ resolveWithObject: true });
    const again = () => sharp(pixels.data, { raw: { width: pixels.info.width, height: pixels.info.height, channels: pixels.info.channels } });
    const [body, phash] = await Promise.all([encodeThumbnail(again(), spec), phashOf(again()).catch(() => null)]);
    return { body, phash };
  } catch (error) {
    throw decodeFailed(error);
  }
}

/**
 * The perceptual hash alone (the background pass), through the very steps a thumbnail's decode
 * takes, so an image hashes the same whichever of the two got to it first.
 */
export async function hashImage(input: string | Buffer, spec: ThumbnailSpec): Promise<bigint> {
  const sharp = await loadSharp();
  try {
    const pixels = await reduced(sharp, input, spec).raw().toBuffer({ resolveWithObject: true });
    return await phashOf(sharp(pixels.data, { raw: { width: pixels.info.width, height: pixels.info.height, channels: pixels.info.channels } }));
  } catch (error) {
    throw decodeFailed(error);
  }
}

function reduced(sharp: typeof SharpFactory, input: string | Buffer, spec: ThumbnailSpec): Sharp {
  return sharp(input, { failOn: 'error' }).rotate().resize({ width: spec.size, height: spec.size, fit: 'outside', withoutEnlargement: true });
}

function encodeThumbnail(image: Sharp, spec: ThumbnailSpec): Promise<Buffer> {
  // effort 2 instead of the default 4: a ~256px thumbnail loses nothing visible and encodes much faster.
  return image.webp({ quality: spec.quality, effort: 2 }).toBuffer();
}

function decodeFailed(error: unknown): AppError {
  return new AppError('image_decode_failed', `cannot decode image: ${error instanceof Error ? error.message : String(error)}`);
}
