import { useCallback, useSyncExternalStore } from 'react';
import { decodeUrlState, encodeUrlState, type UrlState } from '../lib/url-state.js';

const listeners = new Set<() => void>();
let cachedSearch: string | null = null;
let cachedState: UrlState | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

function snapshot(): UrlState {
  const search = window.location.search;
  if (search !== cachedSearch || !cachedState) {
    cachedSearch = search;
    cachedState = decodeUrlState(search);
  }
  return cachedState;
}

/** Marks history entries this app pushed for the viewer, so closing it can go Back instead. */
export const VIEWER_ENTRY = 'lenslet-viewer';

export interface NavigateOptions {
  replace?: boolean;
  /** Tag the new entry as a viewer entry (see closeViewer). */
  viewer?: boolean;
}

/**
 * The URL is the source of truth for folder, sort, search and viewer (query string on `/`, as
 * the server serves the app there for any query). pushState + popstate; no router library.
 */
export function useUrlState(): [UrlState, (patch: Partial<UrlState>, options?: NavigateOptions) => void] {
  const state = useSyncExternalStore(subscribe, snapshot);
  const navigate = useCallback((patch: Partial<UrlState>, options: NavigateOptions = {}) => {
    const next = { ...snapshot(), ...patch };
    const search = encodeUrlState(next);
    if (search === window.location.search) return;
    const url = `${window.location.pathname}${search}`;
    const entry = options.viewer ? { [VIEWER_ENTRY]: true } : null;
    if (options.replace) window.history.replaceState(entry, '', url);
    else window.history.pushState(entry, '', url);
    for (const listener of listeners) listener();
  }, []);
  return [state, navigate];
}

/**
 * Closes the viewer (or the compare view, with `patch`): Back if we opened it (so Back and Esc
 * agree), else drop it from the URL in place.
 */
export function closeViewer(navigate: (patch: Partial<UrlState>, options?: NavigateOptions) => void, patch: Partial<UrlState> = { view: null }): void {
  const entry = window.history.state as Record<string, unknown> | null;
  if (entry?.[VIEWER_ENTRY]) window.history.back();
  else navigate(patch, { replace: true });
}
