import type { Point } from './zoom.js';

/**
 * Synced zoom and pan of the compare view, React-free. Every pane fits its image to the pane
 * ("contain", small images scaled up, so the panes show their images at one size), then all panes
 * share one view: a relative zoom (1 = fitted) and an anchor, the relative image point `anchor`
 * (0..1 on each axis) that sits `at` CSS pixels from the pane's centre, in every pane at once.
 * A wheel zoom moves the anchor under the cursor, so after it the same relative image point is
 * under the cursor in every pane; a drag moves `at` with the pointer, so it stays there.
 */
export interface CompareView {
  zoom: number;
  anchor: Point;
  at: Point;
}

/** A pane's box (CSS pixels) and its image's natural size. */
export interface PaneGeometry {
  boxW: number;
  boxH: number;
  imageW: number;
  imageH: number;
}

export const FITTED: CompareView = { zoom: 1, anchor: { x: 0.5, y: 0.5 }, at: { x: 0, y: 0 } };
/** Zooming out past fitted shows a little margin, no more (but 100% stays in reach, see minZoom). */
export const MIN_ZOOM = 0.5;
/** Image pixels shown at most this large in the pane whose image is shown smallest. */
const MAX_PIXEL_SCALE = 8;

/** The scale (CSS px per image px) that fits the image in its pane, up or down. */
export function containScale(pane: PaneGeometry): number {
  if (pane.imageW <= 0 || pane.imageH <= 0 || pane.boxW <= 0 || pane.boxH <= 0) return 1;
  return Math.min(pane.boxW / pane.imageW, pane.boxH / pane.imageH);
}

/** CSS px per image px in this pane under `view`. */
export function paneScale(view: CompareView, pane: PaneGeometry): number {
  return containScale(pane) * view.zoom;
}

/** The image's size and its top-left corner relative to the pane's top-left, in CSS pixels. */
export function imageRect(view: CompareView, pane: PaneGeometry): { left: number; top: number; width: number; height: number } {
  const s = paneScale(view, pane);
  const width = pane.imageW * s;
  const height = pane.imageH * s;
  return { left: pane.boxW / 2 + view.at.x - view.anchor.x * width, top: pane.boxH / 2 + view.at.y - view.anchor.y * height, width, height };
}

/** The relative image point (0..1 inside the image) at `p`, given relative to the pane's centre. */
export function imagePointAt(view: CompareView, pane: PaneGeometry, p: Point): Point {
  const s = paneScale(view, pane);
  return {
    x: view.anchor.x + (p.x - view.at.x) / (pane.imageW * s),
    y: view.anchor.y + (p.y - view.at.y) / (pane.imageH * s),
  };
}

/** The zoom range: from a little under fitted to 800% in the pane that is scaled down the most. */
export function maxZoom(panes: readonly PaneGeometry[]): number {
  const smallest = Math.min(...panes.map(containScale));
  return Math.max(MAX_PIXEL_SCALE, Number.isFinite(smallest) && smallest > 0 ? MAX_PIXEL_SCALE / smallest : MAX_PIXEL_SCALE);
}

/** A little under fitted, or lower where a small image scaled up to fit needs it to show at 100%. */
export function minZoom(panes: readonly PaneGeometry[]): number {
  const largest = Math.max(...panes.map(containScale));
  return Math.min(MIN_ZOOM, Number.isFinite(largest) && largest > 0 ? 1 / largest : MIN_ZOOM);
}

export function clampZoom(zoom: number, panes: readonly PaneGeometry[]): number {
  return Math.min(maxZoom(panes), Math.max(minZoom(panes), zoom));
}

/**
 * Zooms to `zoom` around `cursor` (relative to the centre of `pane`, the pane it is over): the
 * image point under the cursor there becomes the anchor, placed at the cursor.
 */
export function zoomAt(view: CompareView, pane: PaneGeometry, cursor: Point, zoom: number): CompareView {
  return { zoom, anchor: imagePointAt(view, pane, cursor), at: { x: cursor.x, y: cursor.y } };
}

/** Moves every pane's image by `delta` CSS pixels (a drag). */
export function panBy(view: CompareView, delta: Point): CompareView {
  return { ...view, at: { x: view.at.x + delta.x, y: view.at.y + delta.y } };
}

/** The zoom at which `pane` shows its image at 100% (one image pixel per CSS pixel). */
export function actualSizeZoom(pane: PaneGeometry): number {
  return 1 / containScale(pane);
}
