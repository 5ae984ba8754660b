import { PREVIEW_EDGES } from '../../../protocol/media.js';
import { fileUrl, previewUrl } from '../../api/http-client.js';
import { fitScale } from './zoom.js';

/**
 * What to load to draw an image (issue 12): a screen-sized rendition (`GET /preview`, its long
 * edge) or the original (`GET /file`). A 24-megapixel original takes seconds to fetch and decode
 * and is seen at a tenth of its pixels in a pane; the rendition has what the pane can show.
 */
export type ImageSource = { kind: 'preview'; edge: number } | { kind: 'file' };

const FILE: ImageSource = { kind: 'file' };

/**
 * The least source with enough pixels for an image drawn `drawnPx` device pixels along its long
 * edge: the smallest rendition edge that covers it, while that is smaller than the original (one
 * as large would be the original re-encoded); else the original. An original of unknown size
 * (no listing yet) is loaded as it is.
 */
export function sourceFor(original: { w: number; h: number }, drawnPx: number): ImageSource {
  const long = Math.max(original.w, original.h);
  if (!(long > 0)) return FILE;
  const edge = PREVIEW_EDGES.find((e) => e >= drawnPx);
  return edge !== undefined && edge < long ? { kind: 'preview', edge } : FILE;
}

function rank(source: ImageSource): number {
  return source.kind === 'file' ? Number.POSITIVE_INFINITY : source.edge;
}

/**
 * Sources only go up: zooming back out keeps the pixels already asked for (they are decoded, or
 * on their way) instead of fetching a smaller rendition again.
 */
export function atLeast(current: ImageSource | null, wanted: ImageSource): ImageSource {
  return current && rank(current) >= rank(wanted) ? current : wanted;
}

/** True when `a` has more pixels than `b`. */
export function isAbove(a: ImageSource, b: ImageSource): boolean {
  return rank(a) > rank(b);
}

export function sourceUrl(path: string, source: ImageSource, stamp: string | undefined): string {
  return source.kind === 'file' ? fileUrl(path, stamp) : previewUrl(path, source.edge, stamp);
}

/** Device pixels per CSS pixel (2 on most laptops' screens). */
export function devicePixelRatio(): number {
  return typeof window !== 'undefined' && window.devicePixelRatio > 0 ? window.devicePixelRatio : 1;
}

/**
 * The viewer's source for an image drawn at `scale` (CSS px per image px; null: fitted to `box`),
 * the same for the image shown and its prefetched neighbours, so a prefetched one is the one shown.
 * Null until the stage has a size.
 */
export function viewerSource(original: { w: number; h: number } | null, box: { width: number; height: number }, scale: number | null): ImageSource | null {
  if (!original) return FILE;
  if (box.width <= 0 || box.height <= 0) return null; // not laid out yet: nothing to size a rendition by
  const s = scale ?? fitScale(original.w, original.h, box.width, box.height);
  return sourceFor(original, Math.max(original.w, original.h) * s * devicePixelRatio());
}
