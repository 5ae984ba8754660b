/** Viewer geometry, React-free: scales are absolute (1 = one image pixel per CSS pixel). */
export const MIN_SCALE = 0.05;
export const MAX_SCALE = 8;

export interface Point {
  x: number;
  y: number;
}

/** The scale that fits the image in the box, never upscaling a small image. */
export function fitScale(imageW: number, imageH: number, boxW: number, boxH: number): number {
  if (imageW <= 0 || imageH <= 0 || boxW <= 0 || boxH <= 0) return 1;
  return Math.min(1, boxW / imageW, boxH / imageH);
}

export function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/**
 * New pan offset after zooming from `scale` to `next` so the image point under `cursor` stays
 * put. `cursor` and `pan` are relative to the box centre.
 */
export function zoomAround(pan: Point, scale: number, next: number, cursor: Point): Point {
  const k = next / scale;
  return { x: cursor.x - (cursor.x - pan.x) * k, y: cursor.y - (cursor.y - pan.y) * k };
}

/** One wheel notch is ×1.2; trackpads send many small deltas, which add up to the same curve. */
export function wheelFactor(deltaY: number, deltaMode = 0): number {
  const pixels = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return 1.2 ** (-pixels / 100);
}
