import type { MetricRange } from '../../lib/metric-filter.js';

/**
 * The metric cards the panel shows: the user's choice (null until they pick or hide one) among the
 * dataset's metrics, then every metric with an active range; with no choice yet, the dataset's
 * most common metric.
 */
export function shownMetrics(chosen: readonly string[] | null, names: readonly string[], ranges: readonly MetricRange[]): string[] {
  const list = (chosen ?? []).filter((m) => names.includes(m) || ranges.some((r) => r.metric === m));
  for (const r of ranges) if (!list.includes(r.metric)) list.push(r.metric);
  if (chosen === null && !list.length && names[0]) list.push(names[0]);
  return list;
}
