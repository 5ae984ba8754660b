import type { Filter } from '../../protocol/query.js';

/** One metric range filter of the grid; a null bound is open. */
export interface MetricRange {
  metric: string;
  min: number | null;
  max: number | null;
}

/**
 * URL form: `m=<metric>:<min>:<max>` per range, an open bound left empty (`m=aesthetic:0.5:`).
 * Split at the last two colons, so a metric name may itself contain one.
 */
export function decodeMetricRanges(params: URLSearchParams): MetricRange[] {
  const out: MetricRange[] = [];
  for (const raw of params.getAll('m')) {
    const hi = raw.lastIndexOf(':');
    const lo = hi > 0 ? raw.lastIndexOf(':', hi - 1) : -1;
    if (lo <= 0) continue;
    const metric = raw.slice(0, lo);
    const min = bound(raw.slice(lo + 1, hi));
    const max = bound(raw.slice(hi + 1));
    if (min === undefined || max === undefined || (min === null && max === null)) continue;
    if (out.some((r) => r.metric === metric)) continue;
    out.push(orderedRange({ metric, min, max }));
  }
  return out;
}

/** The range with its bounds swapped if given the wrong way round (a typed min above the max). */
export function orderedRange(r: MetricRange): MetricRange {
  return r.min !== null && r.max !== null && r.min > r.max ? { metric: r.metric, min: r.max, max: r.min } : r;
}

function bound(s: string): number | null | undefined {
  if (s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export function encodeMetricRanges(ranges: readonly MetricRange[]): string[] {
  return ranges.map((r) => `m=${encodeURIComponent(r.metric)}:${r.min ?? ''}:${r.max ?? ''}`);
}

/** The `POST /query` clauses (an open bound is simply left out). */
export function metricClauses(ranges: readonly MetricRange[]): Filter[] {
  return ranges.map((r) => ({
    metric: r.metric,
    ...(r.min !== null ? { min: r.min } : {}),
    ...(r.max !== null ? { max: r.max } : {}),
  }));
}

/** Sets (or, with both bounds null, removes) the range of one metric, keeping the others' order. */
export function setMetricRange(ranges: readonly MetricRange[], next: MetricRange): MetricRange[] {
  const clear = next.min === null && next.max === null;
  const i = ranges.findIndex((r) => r.metric === next.metric);
  if (i < 0) return clear ? [...ranges] : [...ranges, next];
  return clear ? ranges.filter((_, j) => j !== i) : ranges.map((r, j) => (j === i ? next : r));
}

/** Short and stable: up to 4 significant digits, no trailing zeros, no exponent for everyday values. */
export function formatMetricValue(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** "aesthetic 0.5–0.9", "aesthetic ≥ 0.5", "aesthetic ≤ 0.9". */
export function describeMetricRange(r: MetricRange): string {
  if (r.min !== null && r.max !== null) return `${r.metric} ${formatMetricValue(r.min)}–${formatMetricValue(r.max)}`;
  if (r.min !== null) return `${r.metric} ≥ ${formatMetricValue(r.min)}`;
  return `${r.metric} ≤ ${formatMetricValue(r.max ?? 0)}`;
}
