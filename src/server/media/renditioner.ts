import { PREVIEW_EDGES } from '../../protocol/media.js';
import { AppError } from '../app-error.js';
import { loadSharp } from './sharp-loader.js';

/**
 * The smallest rendition edge at least `px` long, else the largest: a handful of files per image
 * covers every pane and screen, and they cache.
 */
export function renditionEdge(px: number): number {
  return PREVIEW_EDGES.find((edge) => edge >= px) ?? PREVIEW_EDGES[PREVIEW_EDGES.length - 1]!;
}

export type RenditionType = 'image/jpeg' | 'image/webp';

export interface Rendition {
  body: Buffer;
  type: RenditionType;
}

/**
 * The image fitted inside `edge`×`edge` (never upscaled), EXIF-rotated, first frame only. A JPEG
 * (fast to encode here and to decode in the browser) unless the image has an alpha channel, which
 * JPEG would flatten: then a WebP. Resizing a JPEG file lets libjpeg decode at 1/2, 1/4 or 1/8
 * scale (shrink-on-load), so a 24 MP original is never decoded whole for a 2048 px rendition.
 */
export async function makeRendition(input: string | Buffer, edge: number, quality: number): Promise<Rendition> {
  const sharp = await loadSharp();
  try {
    const { hasAlpha } = await sharp(input).metadata();
    const image = sharp(input, { failOn: 'error' }).rotate().resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true });
    if (hasAlpha) return { body: await image.webp({ quality, effort: 2 }).toBuffer(), type: 'image/webp' };
    return { body: await image.jpeg({ quality }).toBuffer(), type: 'image/jpeg' };
  } catch (error) {
    throw new AppError('image_decode_failed', `cannot decode image: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The type of a cached rendition's bytes: a JPEG starts FF D8, anything else is the WebP. */
export function renditionTypeOf(body: Buffer): RenditionType {
  return body[0] === 0xff && body[1] === 0xd8 ? 'image/jpeg' : 'image/webp';
}
