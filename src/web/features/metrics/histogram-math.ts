/**
 * Brush ↔ range math for the histogram, React-free. The x axis spans [min, max] of the
 * population in `bins` equal bins (the server's binning); a brush snaps outwards to whole bins so
 * the highlighted bars are exactly the bins the range covers.
 */
export interface Axis {
  min: number;
  max: number;
  bins: number;
}

/** Value at a fraction 0..1 of the axis. */
export function valueAt(axis: Axis, fraction: number): number {
  const f = Math.min(1, Math.max(0, fraction));
  return axis.min + f * (axis.max - axis.min);
}

/** Fraction 0..1 of the axis at `value` (clamped). */
export function fractionOf(axis: Axis, value: number): number {
  if (axis.max <= axis.min) return 0;
  return Math.min(1, Math.max(0, (value - axis.min) / (axis.max - axis.min)));
}

/** Lower edge of bin `i` (i = bins gives the upper edge of the last bin). */
export function binEdge(axis: Axis, i: number): number {
  if (i <= 0) return axis.min;
  if (i >= axis.bins) return axis.max;
  return roundTo(axis.min + (i * (axis.max - axis.min)) / axis.bins);
}

/** Bin index of a fraction of the axis (the last edge belongs to the last bin). */
export function binAt(axis: Axis, fraction: number): number {
  return Math.min(axis.bins - 1, Math.max(0, Math.floor(Math.min(1, Math.max(0, fraction)) * axis.bins)));
}

/**
 * The range a drag from fraction `a` to `b` selects: from the lower edge of the first bin touched
 * to the upper edge of the last. A range that covers the whole axis is returned too; callers may
 * treat it as "no filter".
 */
export function brushRange(axis: Axis, a: number, b: number): { min: number; max: number } {
  const lo = binAt(axis, Math.min(a, b));
  const hi = binAt(axis, Math.max(a, b));
  return { min: binEdge(axis, lo), max: binEdge(axis, hi + 1) };
}

/**
 * Which bins a range covers (by their centres), as [first, last] inclusive, or null when none.
 * Open bounds reach the axis' ends.
 */
export function binsInRange(axis: Axis, min: number | null, max: number | null): [number, number] | null {
  let first = -1;
  let last = -1;
  const width = (axis.max - axis.min) / axis.bins;
  for (let i = 0; i < axis.bins; i++) {
    const centre = axis.min + (i + 0.5) * width;
    if ((min === null || centre >= min) && (max === null || centre <= max)) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (axis.max === axis.min) {
    // A single-value population: everything is in bin 0 (the server puts it there too).
    const v = axis.min;
    return (min === null || v >= min) && (max === null || v <= max) ? [0, 0] : null;
  }
  return first < 0 ? null : [first, last];
}

/** Sum of `counts` over the bins a range covers. */
export function countInRange(axis: Axis, counts: readonly number[], min: number | null, max: number | null): number {
  const span = binsInRange(axis, min, max);
  if (!span) return 0;
  let n = 0;
  for (let i = span[0]; i <= span[1]; i++) n += counts[i] ?? 0;
  return n;
}

/** Bin edges are floats; keep URLs and inputs readable (12 significant digits drops the noise). */
function roundTo(v: number): number {
  return Number(v.toPrecision(12));
}
