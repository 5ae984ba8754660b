import type { OverlayOptions } from 'sharp';
import { AppError } from '../app-error.js';
import { MAX_SHEET_WIDTH, MIN_PANE_HEIGHT, captionSvg, initialPaneHeight, layoutSheet, type PaneLabels, type PaneSource, type SheetLayout } from './comparison-layout.js';
import { loadSharp } from './sharp-loader.js';

export interface SheetPane {
  /** A local file path or the bytes of a remote image. */
  input: string | Buffer;
  name: string;
  labels?: PaneLabels;
}

export interface SheetOptions {
  /** The PNG must not be larger than this; panes are scaled down until it fits. */
  maxBytes: number;
  /** Draw each pane's labels line (stars) under its name. */
  labels: boolean;
}

export interface Sheet {
  png: Buffer;
  width: number;
  height: number;
  paneHeight: number;
}

const BACKGROUND = { r: 24, g: 24, b: 27 };
// Each retry aims a little under the size the last attempt says would fit: PNG size is not
// quite proportional to pixel count.
const RETRY_MARGIN = 0.9;
// A first guess of PNG bytes per pixel for photographs; flat images do far better.
const BYTES_PER_PIXEL_GUESS = 2;

/**
 * The comparison PNG: panes in a row at one height, file names (and labels) under them, on a
 * dark sheet. Decoding and encoding run on libuv's thread pool. Throws `image_decode_failed` for
 * a source sharp cannot read and `too_large` when even MIN_PANE_HEIGHT panes exceed `maxBytes`
 * or MAX_SHEET_WIDTH.
 */
export async function renderComparisonSheet(panes: readonly SheetPane[], options: SheetOptions): Promise<Sheet> {
  const sharp = await loadSharp();
  const sources = await Promise.all(panes.map((pane) => orientedSize(pane)));
  // Tiny sources stay tiny; larger ones may shrink down to MIN_PANE_HEIGHT, never below.
  const floor = Math.min(MIN_PANE_HEIGHT, Math.max(...sources.map((s) => s.h)));
  // The first size is a guess from the pixel count, never a refusal: only an encoded PNG says
  // whether the sheet fits (a flat image compresses a hundred times better than a photo).
  let paneHeight = Math.max(floor, initialPaneHeight(sources, options.maxBytes / BYTES_PER_PIXEL_GUESS, options.labels));
  // Each step shrinks by at least 10%, so this ends after a few encodes at most.
  for (;;) {
    const layout = layoutSheet(sources, paneHeight, options.labels);
    // Only at the floor can the sheet still be too wide (initialPaneHeight keeps it narrower).
    if (layout.width > MAX_SHEET_WIDTH) break;
    const png = await encode(sharp, panes, layout, options.labels);
    if (png.length <= options.maxBytes) return { png, width: layout.width, height: layout.height, paneHeight: layout.paneHeight };
    if (paneHeight <= floor) break;
    paneHeight = Math.max(floor, Math.floor(paneHeight * Math.sqrt(options.maxBytes / png.length) * RETRY_MARGIN));
  }
  throw new AppError(
    'too_large',
    `the comparison does not fit in ${formatMb(options.maxBytes)} and ${MAX_SHEET_WIDTH} pixels wide with panes at least ${MIN_PANE_HEIGHT} pixels high; compare fewer images, or less wide or detailed ones`,
    { max_bytes: options.maxBytes, max_width: MAX_SHEET_WIDTH, min_pane_height: MIN_PANE_HEIGHT },
  );
}

async function orientedSize(pane: SheetPane): Promise<PaneSource> {
  const sharp = await loadSharp();
  try {
    const meta = await sharp(pane.input, { failOn: 'error' }).metadata();
    if (!meta.width || !meta.height) throw new Error('no dimensions');
    // EXIF orientations 5–8 turn the image a quarter: what is shown is height × width.
    const turned = (meta.orientation ?? 1) >= 5;
    return turned ? { w: meta.height, h: meta.width } : { w: meta.width, h: meta.height };
  } catch (error) {
    throw decodeFailed(pane.name, error);
  }
}

async function encode(sharp: Awaited<ReturnType<typeof loadSharp>>, panes: readonly SheetPane[], layout: SheetLayout, withLabels: boolean): Promise<Buffer> {
  const tiles = await Promise.all(
    panes.map(async (pane, i): Promise<OverlayOptions> => {
      const box = layout.panes[i]!;
      try {
        const { data, info } = await sharp(pane.input, { failOn: 'error' })
          .rotate()
          .resize({ width: box.width, height: box.height, fit: 'fill' })
          // Transparent images sit on the sheet's colour, as the compare view shows them.
          .flatten({ background: BACKGROUND })
          .raw()
          .toBuffer({ resolveWithObject: true });
        return { input: data, raw: { width: info.width, height: info.height, channels: info.channels }, left: box.left, top: box.top };
      } catch (error) {
        throw decodeFailed(pane.name, error);
      }
    }),
  );
  const svg = captionSvg(
    layout,
    panes.map((p) => p.name),
    withLabels ? panes.map((p) => p.labels) : null,
  );
  return sharp({ create: { width: layout.width, height: layout.height, channels: 3, background: BACKGROUND } })
    .composite([...tiles, { input: Buffer.from(svg), left: 0, top: 0 }])
    .png({ compressionLevel: 6, adaptiveFiltering: true })
    .toBuffer();
}

function decodeFailed(name: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('image_decode_failed', `cannot decode ${name}: ${error instanceof Error ? error.message : String(error)}`);
}

function formatMb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB` : `${bytes} bytes`;
}
