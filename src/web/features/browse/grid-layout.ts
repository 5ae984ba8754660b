import type { Direction } from '../../lib/keymap.js';

/**
 * Grid geometry, computed for the whole listing at once (100k items take a few ms) into typed
 * arrays, so the virtualizer only has to look rows up. React-free and unit-tested.
 */
export interface GridRow {
  /** First item index in the row. */
  start: number;
  /** One past the last item index. */
  end: number;
  top: number;
  height: number;
}

export interface GridLayout {
  rows: GridRow[];
  /** Left edge and width of every item, by index. */
  x: Float32Array;
  w: Float32Array;
  /** Row index of every item. */
  rowOf: Int32Array;
  totalHeight: number;
  gap: number;
}

/** Width ÷ height used for items whose dimensions are not known yet (or not loaded yet). */
export const UNKNOWN_ASPECT = 4 / 3;
// Extreme panoramas would otherwise make a row a few pixels tall; they get cropped instead.
const MIN_ASPECT = 1 / 3;
const MAX_ASPECT = 4;

export function aspectOf(w: number | undefined, h: number | undefined): number {
  if (!w || !h || w <= 0 || h <= 0) return UNKNOWN_ASPECT;
  return Math.min(MAX_ASPECT, Math.max(MIN_ASPECT, w / h));
}

export interface JustifiedOptions {
  count: number;
  aspect: (index: number) => number;
  width: number;
  targetHeight: number;
  gap: number;
}

function emptyLayout(count: number, gap: number): GridLayout {
  return { rows: [], x: new Float32Array(count), w: new Float32Array(count), rowOf: new Int32Array(count), totalHeight: 0, gap };
}

/**
 * Justified rows: items are added to a row until, at the target height, it would reach the
 * available width; the row is then scaled to fill the width exactly, keeping aspect ratios.
 * The last row keeps the target height and stays left-aligned.
 */
export function justifiedLayout({ count, aspect, width, targetHeight, gap }: JustifiedOptions): GridLayout {
  const layout = emptyLayout(count, gap);
  if (count === 0 || width <= 0) return layout;
  const aspects = new Float64Array(count);
  for (let i = 0; i < count; i++) aspects[i] = aspect(i);
  let top = 0;
  let start = 0;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    sum += aspects[i]!;
    const n = i - start + 1;
    const widthAtTarget = sum * targetHeight + gap * (n - 1);
    if (widthAtTarget >= width) {
      const height = (width - gap * (n - 1)) / sum;
      top = placeRow(layout, aspects, start, i + 1, top, height);
      start = i + 1;
      sum = 0;
    }
  }
  if (start < count) top = placeRow(layout, aspects, start, count, top, targetHeight);
  layout.totalHeight = Math.max(0, top - gap);
  return layout;
}

function placeRow(layout: GridLayout, aspects: Float64Array, start: number, end: number, top: number, height: number): number {
  const rowIndex = layout.rows.length;
  let x = 0;
  for (let i = start; i < end; i++) {
    const w = aspects[i]! * height;
    layout.x[i] = x;
    layout.w[i] = w;
    layout.rowOf[i] = rowIndex;
    x += w + layout.gap;
  }
  layout.rows.push({ start, end, top, height });
  return top + height + layout.gap;
}

export interface SquareOptions {
  count: number;
  width: number;
  /** Preferred cell edge; cells stretch so the columns fill the width. */
  size: number;
  gap: number;
}

/** Square cells in as many columns as fit at the preferred size. */
export function squareLayout({ count, width, size, gap }: SquareOptions): GridLayout {
  const layout = emptyLayout(count, gap);
  if (count === 0 || width <= 0) return layout;
  const cols = Math.max(1, Math.floor((width + gap) / (size + gap)));
  const edge = (width - gap * (cols - 1)) / cols;
  const rowCount = Math.ceil(count / cols);
  for (let r = 0; r < rowCount; r++) {
    const start = r * cols;
    const end = Math.min(count, start + cols);
    for (let i = start; i < end; i++) {
      layout.x[i] = (i - start) * (edge + gap);
      layout.w[i] = edge;
      layout.rowOf[i] = r;
    }
    layout.rows.push({ start, end, top: r * (edge + gap), height: edge });
  }
  layout.totalHeight = rowCount * (edge + gap) - gap;
  return layout;
}


/**
 * The item reached from `index` by one arrow press. Left/right follow reading order; up/down
 * go to the item of the adjacent row whose centre is closest to this item's centre.
 */
export function moveIndex(layout: GridLayout, count: number, index: number, direction: Direction): number {
  if (count === 0) return -1;
  if (index < 0 || index >= count) return 0;
  if (direction === 'left') return Math.max(0, index - 1);
  if (direction === 'right') return Math.min(count - 1, index + 1);
  const rowIndex = layout.rowOf[index]!;
  const target = layout.rows[rowIndex + (direction === 'up' ? -1 : 1)];
  if (!target) return index;
  const centre = layout.x[index]! + layout.w[index]! / 2;
  let best = target.start;
  let bestDistance = Infinity;
  for (let i = target.start; i < target.end; i++) {
    const distance = Math.abs(layout.x[i]! + layout.w[i]! / 2 - centre);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = i;
    }
  }
  return best;
}

/** Index of the first row whose bottom edge is below `offset` (binary search). */
export function rowAtOffset(layout: GridLayout, offset: number): number {
  let lo = 0;
  let hi = layout.rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const row = layout.rows[mid]!;
    if (row.top + row.height < offset) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo);
}
