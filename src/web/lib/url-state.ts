import { MAX_COMPARE_PATHS, MIN_COMPARE_PATHS } from '../../protocol/comparison.js';
import { canonicalPath } from '../../protocol/paths.js';
import { SORT_KEYS } from '../../protocol/folders.js';
import { decodeLabelFilter, encodeLabelFilter, NO_LABEL_FILTER, type LabelFilter } from './label-filter.js';
import { decodeMetricRanges, encodeMetricRanges, type MetricRange } from './metric-filter.js';

/** `/folders` sorts, or `metric:<name>` (only `POST /query` sorts by a metric). */
export type SortKey = (typeof SORT_KEYS)[number] | `metric:${string}`;

export const isMetricSort = (sort: SortKey): sort is `metric:${string}` => sort.startsWith('metric:');
export const sortMetric = (sort: SortKey): string | null => (isMetricSort(sort) ? sort.slice(7) : null);
export type SortOrder = 'asc' | 'desc';

/** Everything that should survive a reload or be shareable as a link. */
export interface UrlState {
  /** Current folder, canonical. */
  path: string;
  /** Item open in the viewer, canonical, or null. */
  view: string | null;
  sort: SortKey;
  order: SortOrder;
  /** Seed of the random sort; only meaningful when sort is random. */
  seed: number;
  /** Search query over the current folder's subtree; empty means browse. */
  q: string;
  /** Star and tag filters (`stars=5,0&tag=cat`). */
  labels: LabelFilter;
  /** Metric range filters (`m=aesthetic:0.5:1`). */
  metrics: MetricRange[];
  /** List the folder's subfolders too (`sub=1`). */
  sub: boolean;
  /** Items open in the compare view (`compare=/a.jpg&compare=/b.jpg`, 2–4 of them), or none. */
  compare: string[];
  /** The compare view shows its two images as an A/B wipe (`wipe=1`). */
  wipe: boolean;
  /**
   * "Find similar" (`like=<path>&emb=<embedding>`): the list is the scope's items ordered by
   * similarity to this item, instead of by `sort`. Null: an ordinary list.
   */
  similar: SimilarTo | null;
}

/** The item a similarity list is ordered by, and the embedding compared. */
export interface SimilarTo {
  path: string;
  embedding: string;
}

export const DEFAULT_URL_STATE: UrlState = {
  path: '/',
  view: null,
  sort: 'name',
  order: 'asc',
  seed: 1,
  q: '',
  labels: NO_LABEL_FILTER,
  metrics: [],
  sub: false,
  compare: [],
  wipe: false,
  similar: null,
};

function pathParam(raw: string | null): string | null {
  if (raw === null || raw === '') return null;
  const result = canonicalPath(raw);
  return result.ok ? result.path : null;
}

/**
 * Reads the state from a query string. Invalid values fall back to defaults one by one,
 * so a hand-edited link never throws the user back to the root for an unrelated typo.
 */
export function decodeUrlState(search: string): UrlState {
  const params = new URLSearchParams(search);
  const sortRaw = params.get('sort');
  const sort =
    (SORT_KEYS as readonly string[]).includes(sortRaw ?? '') || (sortRaw?.startsWith('metric:') && sortRaw.length > 7)
      ? (sortRaw as SortKey)
      : DEFAULT_URL_STATE.sort;
  const orderRaw = params.get('order');
  const order: SortOrder = orderRaw === 'desc' ? 'desc' : orderRaw === 'asc' ? 'asc' : defaultOrder(sort);
  const seedRaw = Number(params.get('seed'));
  const seed = Number.isSafeInteger(seedRaw) && seedRaw > 0 ? seedRaw : DEFAULT_URL_STATE.seed;
  return {
    path: pathParam(params.get('path')) ?? '/',
    view: pathParam(params.get('view')),
    sort,
    order,
    seed,
    q: params.get('q')?.trim() ?? '',
    labels: decodeLabelFilter(params),
    metrics: decodeMetricRanges(params),
    sub: params.get('sub') === '1',
    compare: compareParam(params.getAll('compare')),
    wipe: params.get('wipe') === '1',
    similar: similarParam(pathParam(params.get('like')), params.get('emb')),
  };
}

const SHARED_FIELDS = ['labels', 'metrics', 'compare', 'similar'] as const;

/**
 * `next`, with the object fields (filters, compared paths, "Find similar") that equal `prev`'s
 * taken from `prev`, and `prev` itself when nothing changed: a viewer step changes `view` only,
 * and what is memoized on the filters must not see new arrays on every step.
 */
export function keepUnchanged(prev: UrlState, next: UrlState): UrlState {
  const out = { ...next };
  let changed = false;
  for (const key of Object.keys(next) as (keyof UrlState)[]) {
    if ((SHARED_FIELDS as readonly string[]).includes(key) && JSON.stringify(prev[key]) === JSON.stringify(next[key])) {
      (out as Record<string, unknown>)[key] = prev[key];
    } else if (prev[key] !== next[key]) changed = true;
  }
  return changed ? out : prev;
}

/** The compared paths: canonical, each once, at most MAX_COMPARE_PATHS; none unless at least two. */
function compareParam(raw: string[]): string[] {
  const paths: string[] = [];
  for (const value of raw) {
    const path = pathParam(value);
    if (path && !paths.includes(path) && paths.length < MAX_COMPARE_PATHS) paths.push(path);
  }
  return paths.length >= MIN_COMPARE_PATHS ? paths : [];
}

function similarParam(path: string | null, embedding: string | null): SimilarTo | null {
  return path && embedding ? { path, embedding } : null;
}

/** Newest first is what people want from "date added", the best scores from a metric; names read A→Z. */
export function defaultOrder(sort: SortKey): SortOrder {
  return sort === 'added' || isMetricSort(sort) ? 'desc' : 'asc';
}

// Keep `/` readable in links; everything else (spaces, `&`, `+`, non-ASCII) is percent-encoded.
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%2F/g, '/');
}

/** Writes only the values that differ from the defaults, in a fixed order, so links stay short and stable. */
export function encodeUrlState(state: UrlState): string {
  const parts: string[] = [];
  if (state.path !== '/') parts.push(`path=${encodeValue(state.path)}`);
  if (state.view) parts.push(`view=${encodeValue(state.view)}`);
  if (state.sort !== DEFAULT_URL_STATE.sort) parts.push(`sort=${encodeValue(state.sort).replace(/%3A/g, ':')}`);
  if (state.order !== defaultOrder(state.sort)) parts.push(`order=${state.order}`);
  if (state.sort === 'random') parts.push(`seed=${state.seed}`);
  if (state.q) parts.push(`q=${encodeValue(state.q)}`);
  if (state.sub) parts.push('sub=1');
  if (state.similar) parts.push(`like=${encodeValue(state.similar.path)}`, `emb=${encodeValue(state.similar.embedding)}`);
  parts.push(...encodeLabelFilter(state.labels), ...encodeMetricRanges(state.metrics));
  for (const path of state.compare) parts.push(`compare=${encodeValue(path)}`);
  if (state.compare.length && state.wipe) parts.push('wipe=1');
  return parts.length ? `?${parts.join('&')}` : '';
}
