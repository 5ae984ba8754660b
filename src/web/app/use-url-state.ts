import { useCallback, useSyncExternalStore } from 'react';
import { afterNextPaint } from '../lib/after-paint.js';
import { decodeUrlState, encodeUrlState, keepUnchanged, type UrlState } from '../lib/url-state.js';

const listeners = new Set<() => void>();
let cachedSearch: string | null = null;
let cachedState: UrlState | null = null;

/**
 * A replace of the current history entry that waits for the next paint (NavigateOptions.afterPaint):
 * the app reads its state from here until it is written.
 */
let pendingWrite: { search: string; url: string; entry: Record<string, unknown> | null } | null = null;

function writePending(): void {
  const write = pendingWrite;
  pendingWrite = null;
  if (write) window.history.replaceState(write.entry, '', write.url);
}

if (typeof window !== 'undefined') {
  // Registered before any component's listener: Back or Forward leaves the entry a pending write
  // was for, so it is dropped before anyone reads the state again. A page closing writes it.
  window.addEventListener('popstate', () => {
    pendingWrite = null;
  });
  window.addEventListener('pagehide', writePending);
}

function currentSearch(): string {
  return pendingWrite ? pendingWrite.search : window.location.search;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

function snapshot(): UrlState {
  const search = currentSearch();
  if (search !== cachedSearch || !cachedState) {
    cachedSearch = search;
    const next = decodeUrlState(search);
    cachedState = cachedState ? keepUnchanged(cachedState, next) : next;
  }
  return cachedState;
}

/** Marks history entries this app pushed for the viewer, so closing it can go Back instead. */
export const VIEWER_ENTRY = 'lenslet-viewer';

/** The current history entry's state, a replace still waiting for the paint included. */
export function historyState(): Record<string, unknown> | null {
  return pendingWrite ? pendingWrite.entry : (window.history.state as Record<string, unknown> | null);
}

/** Whether the current history entry is one the viewer pushed. */
export function isViewerEntry(): boolean {
  return Boolean(historyState()?.[VIEWER_ENTRY]);
}

export interface NavigateOptions {
  replace?: boolean;
  /** Tag the new entry as a viewer entry (see closeViewer). */
  viewer?: boolean;
  /**
   * With `replace`: the app shows the new state at once, the history entry is written after the
   * next paint (a `replaceState` costs a few ms of the main thread; a viewer step with
   * auto-advance makes one per key press, and the next image comes first).
   */
  afterPaint?: boolean;
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
    if (search === currentSearch()) return;
    const url = `${window.location.pathname}${search}`;
    const entry = options.viewer ? { [VIEWER_ENTRY]: true } : null;
    if (options.replace && options.afterPaint) {
      if (!pendingWrite) afterNextPaint(writePending);
      pendingWrite = { search, url, entry };
    } else {
      writePending();
      if (options.replace) window.history.replaceState(entry, '', url);
      else window.history.pushState(entry, '', url);
    }
    for (const listener of listeners) listener();
  }, []);
  return [state, navigate];
}

/**
 * Closes the viewer (or the compare view, with `patch`): Back if we opened it (so Back and Esc
 * agree), else drop it from the URL in place.
 */
export function closeViewer(navigate: (patch: Partial<UrlState>, options?: NavigateOptions) => void, patch: Partial<UrlState> = { view: null }): void {
  if (isViewerEntry()) {
    // The entry Back leaves must not get a step's write afterwards.
    writePending();
    window.history.back();
  } else navigate(patch, { replace: true });
}
