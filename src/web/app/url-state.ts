import { canonicalPath } from '../../protocol/paths.js';
import { SORT_KEYS } from '../../protocol/folders.js';

export type SortKey = (typeof SORT_KEYS)[number];
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
}

export const DEFAULT_URL_STATE: UrlState = {
  path: '/',
  view: null,
  sort: 'name',
  order: 'asc',
  seed: 1,
  q: '',
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
  const sort = (SORT_KEYS as readonly string[]).includes(sortRaw ?? '') ? (sortRaw as SortKey) : DEFAULT_URL_STATE.sort;
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
  };
}

/** Newest first is what people want from "date added"; names read A→Z. */
export function defaultOrder(sort: SortKey): SortOrder {
  return sort === 'added' ? 'desc' : 'asc';
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
  if (state.sort !== DEFAULT_URL_STATE.sort) parts.push(`sort=${state.sort}`);
  if (state.order !== defaultOrder(state.sort)) parts.push(`order=${state.order}`);
  if (state.sort === 'random') parts.push(`seed=${state.seed}`);
  if (state.q) parts.push(`q=${encodeValue(state.q)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

export function sameUrlState(a: UrlState, b: UrlState): boolean {
  return encodeUrlState(a) === encodeUrlState(b);
}
