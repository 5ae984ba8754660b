import type { Filter } from '../../protocol/query.js';
import { describeFlags, FLAG_CHOICES, NO_LABEL_FILTER, toQueryFilters, type FlagChoice, type LabelFilter } from './label-filter.js';
import { describeMetricRange, metricClauses, type MetricRange } from './metric-filter.js';

/** Every filter of the grid: ratings and tags (the toolbar's Filter menu) and metric ranges. */
export interface GridFilter {
  labels: LabelFilter;
  metrics: MetricRange[];
  /** The scope takes in the subfolders too (not a clause, but shown and cleared with them). */
  sub: boolean;
}

export const NO_GRID_FILTER: GridFilter = { labels: NO_LABEL_FILTER, metrics: [], sub: false };

/** The `POST /query` clauses, in a stable order (stars, flags, tags, then metrics as listed). */
export function gridClauses(f: Pick<GridFilter, 'labels' | 'metrics'>): Filter[] {
  return [...toQueryFilters(f.labels), ...metricClauses(f.metrics)];
}

export interface FilterChip {
  /** Stable per clause, for React keys and tests. */
  id: string;
  kind: 'scope' | 'stars' | 'flags' | 'tag' | 'metric';
  label: string;
  /** The filter without this chip's clause. */
  without: GridFilter;
}

/** One chip per active clause: the rating set, each tag, each metric range. */
export function filterChips(f: GridFilter): FilterChip[] {
  const chips: FilterChip[] = [];
  if (f.sub) chips.push({ id: 'sub', kind: 'scope', label: 'Including subfolders', without: { ...f, sub: false } });
  if (f.labels.stars.length) {
    const label = f.labels.stars.map((s) => (s === 0 ? 'Unrated' : `${s}★`)).join(', ');
    chips.push({ id: 'stars', kind: 'stars', label: `Rating ${label}`, without: { ...f, labels: { ...f.labels, stars: [] } } });
  }
  if (f.labels.flags.length) {
    chips.push({ id: 'flags', kind: 'flags', label: `Flag ${describeFlags(f.labels.flags)}`, without: { ...f, labels: { ...f.labels, flags: [] } } });
  }
  for (const tag of f.labels.tags) {
    chips.push({ id: `tag:${tag}`, kind: 'tag', label: `#${tag}`, without: { ...f, labels: { ...f.labels, tags: f.labels.tags.filter((t) => t !== tag) } } });
  }
  for (const r of f.metrics) {
    chips.push({ id: `metric:${r.metric}`, kind: 'metric', label: describeMetricRange(r), without: { ...f, metrics: f.metrics.filter((m) => m !== r) } });
  }
  return chips;
}

/**
 * A saved view's clauses back into the grid's filter (smart folders). Clauses the grid has no
 * controls for (text, size, date) are returned apart, so the caller can tell the user.
 */
export function fromClauses(filters: readonly Filter[]): { filter: Omit<GridFilter, 'sub'>; unsupported: Filter[] } {
  const stars = new Set<number>();
  let flags: Set<FlagChoice> | null = null;
  const tags: string[] = [];
  const metrics: MetricRange[] = [];
  const unsupported: Filter[] = [];
  for (const clause of filters) {
    if ('stars' in clause) {
      for (const s of clause.stars) stars.add(s);
    } else if ('flags' in clause && flags === null) {
      flags = new Set(clause.flags);
    } else if ('tags_all' in clause) {
      for (const t of clause.tags_all) if (!tags.includes(t)) tags.push(t);
    } else if ('metric' in clause && !metrics.some((m) => m.metric === clause.metric) && (clause.min !== undefined || clause.max !== undefined)) {
      metrics.push({ metric: clause.metric, min: clause.min ?? null, max: clause.max ?? null });
    } else {
      unsupported.push(clause);
    }
  }
  const flagList = FLAG_CHOICES.filter((f) => flags?.has(f));
  return { filter: { labels: { stars: [...stars].sort((a, b) => b - a), flags: flagList, tags }, metrics }, unsupported };
}
