import type { View } from '../../../protocol/views.js';
import { defaultOrder, type SortKey, type UrlState } from '../../lib/url-state.js';
import { fromClauses, gridClauses } from '../../lib/grid-filter.js';

/**
 * What a smart folder saves: scope, filters and sort from the URL state, and the metrics panel's
 * cards (`shownMetrics`, absent from views saved before they were kept).
 */
export type ViewState = Pick<UrlState, 'path' | 'sort' | 'order' | 'seed' | 'labels' | 'metrics' | 'sub' | 'similar'> & { shownMetrics?: readonly string[] };

/** A smart folder for the state on screen. */
export function viewFromState(id: string, name: string, s: ViewState): View {
  return {
    id,
    name,
    path: s.path,
    recursive: s.sub,
    filters: gridClauses({ labels: s.labels, metrics: s.metrics }),
    sort: { key: s.sort, order: s.order, ...(s.sort === 'random' ? { seed: s.seed } : {}) },
    ...(s.similar ? { similar: { ...s.similar } } : {}),
    ...(s.shownMetrics ? { metrics: [...s.shownMetrics] } : {}),
  };
}

const isSortKey = (k: string): k is SortKey => k === 'name' || k === 'added' || k === 'random' || (k.startsWith('metric:') && k.length > 7);

/** The URL state that restores a smart folder (view and search are left to the caller to clear). */
export function stateFromView(view: View): ViewState {
  const { filter } = fromClauses(view.filters);
  const sort: SortKey = view.sort && isSortKey(view.sort.key) ? view.sort.key : 'name';
  const shownMetrics = view.metrics ?? (view.metric ? [view.metric] : undefined);
  return {
    path: view.path,
    sort,
    order: view.sort?.order ?? defaultOrder(sort),
    seed: view.sort?.seed ?? 1,
    labels: filter.labels,
    metrics: filter.metrics,
    sub: view.recursive,
    similar: view.similar ? { ...view.similar } : null,
    ...(shownMetrics ? { shownMetrics } : {}),
  };
}

/**
 * True while the screen shows exactly this smart folder (the highlight clears once it diverges).
 * The panel's cards don't count: showing another histogram doesn't change the list.
 */
export function viewMatches(view: View, s: ViewState): boolean {
  const v = stateFromView(view);
  return (
    v.path === s.path &&
    v.sub === s.sub &&
    v.similar?.path === s.similar?.path &&
    v.similar?.embedding === s.similar?.embedding &&
    v.sort === s.sort &&
    v.order === s.order &&
    (v.sort !== 'random' || v.seed === s.seed) &&
    JSON.stringify(gridClauses(v)) === JSON.stringify(gridClauses(s))
  );
}
