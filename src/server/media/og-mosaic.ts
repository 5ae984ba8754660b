import type { OverlayOptions } from 'sharp';
import { loadSharp } from './sharp-loader.js';

/**
 * The social preview: a 1200×630 PNG of up to 18 thumbnails in a 6×3 grid on a dark background.
 * Thumbnails that fail to decode leave their tile empty rather than failing the whole image.
 */
export const OG_WIDTH = 1200;
export const OG_HEIGHT = 630;
const COLUMNS = 6;
const ROWS = 3;
const GAP = 6;
export const OG_TILES = COLUMNS * ROWS;

export async function renderMosaic(thumbnails: Buffer[]): Promise<Buffer> {
  const sharp = await loadSharp();
  const tileW = Math.floor((OG_WIDTH - GAP * (COLUMNS + 1)) / COLUMNS);
  const tileH = Math.floor((OG_HEIGHT - GAP * (ROWS + 1)) / ROWS);
  const tiles = await Promise.all(
    thumbnails.slice(0, OG_TILES).map((input) =>
      sharp(input).resize({ width: tileW, height: tileH, fit: 'cover' }).png().toBuffer().catch(() => undefined),
    ),
  );
  const composites: OverlayOptions[] = [];
  tiles.forEach((tile, i) => {
    if (!tile) return;
    const col = i % COLUMNS;
    const row = Math.floor(i / COLUMNS);
    composites.push({ input: tile, left: GAP + col * (tileW + GAP), top: GAP + row * (tileH + GAP) });
  });
  return sharp({ create: { width: OG_WIDTH, height: OG_HEIGHT, channels: 3, background: { r: 24, g: 24, b: 27 } } })
    .composite(composites)
    .png()
    .toBuffer();
}
