import { WINDOW_SIZE } from '../../api/query-keys.js';

/** Fetch the next window when the viewport gets this many items away from it. */
export const PREFETCH_ITEMS = 150;

/**
 * Offsets of the `/folders` windows needed to show items `first`..`last` (inclusive), plus those
 * within PREFETCH_ITEMS either side, clamped to the listing.
 */
export function windowOffsets(first: number, last: number, total: number, size = WINDOW_SIZE): number[] {
  const lo = Math.max(0, first - PREFETCH_ITEMS);
  const hi = total > 0 ? Math.min(total - 1, last + PREFETCH_ITEMS) : 0;
  const out: number[] = [];
  for (let w = Math.floor(lo / size); w <= Math.floor(hi / size); w++) out.push(w * size);
  return out;
}

/** True when two visible ranges need the same windows: scrolling within them changes nothing. */
export function sameWindows(firstA: number, lastA: number, firstB: number, lastB: number, size = WINDOW_SIZE): boolean {
  const lo = (first: number) => Math.floor(Math.max(0, first - PREFETCH_ITEMS) / size);
  const hi = (last: number) => Math.floor((last + PREFETCH_ITEMS) / size);
  return lo(firstA) === lo(firstB) && hi(lastA) === hi(lastB);
}
