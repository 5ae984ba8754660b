import { notifyManager, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { sidecarSchema, type Flag, type Item } from '../../protocol/items.js';
import type { MeResponse } from '../../protocol/auth.js';
import { fetchMe, needsSignIn, useMe } from '../api/auth-api.js';
import { requestJson } from '../api/http-client.js';
import { pageSeesFolders, withAncestors } from '../api/listing-scope.js';
import { mediaStamps } from '../api/media-stamps.js';
import { queryKeys } from '../api/query-keys.js';
import { afterNextPaint } from '../lib/after-paint.js';
import { safeStorage } from '../api/sync/client-identity.js';
import { createItemCacheAdapter } from '../api/sync/query-cache-adapter.js';
import type { LabelOps } from '../api/sync/label-ops.js';
import { SyncEngine, type EngineState } from '../api/sync/sync-engine.js';
import type { UndoSnapshot } from '../api/sync/undo-stack.js';
import type { ItemSyncState, SyncSnapshot } from '../api/sync/write-queue.js';

const SyncContext = createContext<SyncEngine | null>(null);

const browserClock = {
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number): unknown => window.setTimeout(fn, ms),
  clearTimeout: (handle: unknown) => window.clearTimeout(handle as number),
};

function makeId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Restarts the glow on the cells of paths someone else changed, if on screen: once per frame for
 * a burst (one DOM query and one style flush, not one per event). A data attribute React does not
 * manage: no cell re-renders for it, and a re-render can't cut it short.
 */
function pulsePainter(): (path: string) => void {
  const pending = new Set<string>();
  let frame = 0;
  const paint = () => {
    frame = 0;
    const cells = [...document.querySelectorAll<HTMLElement>('.cell[data-path]')].filter((el) => pending.has(el.dataset.path ?? ''));
    pending.clear();
    if (!cells.length) return;
    for (const el of cells) delete el.dataset.pulse;
    void document.body.offsetWidth; // restart the animation on cells that were still glowing
    const stamp = String(performance.now());
    for (const el of cells) el.dataset.pulse = stamp;
    window.setTimeout(() => {
      for (const el of cells) if (el.dataset.pulse === stamp) delete el.dataset.pulse;
    }, 1_500);
  };
  return (path) => {
    pending.add(path);
    if (!frame) frame = requestAnimationFrame(paint);
  };
}

/**
 * A filtered list (stars/tags) is chosen by the server: an item someone else re-rated may now
 * belong in it or not. Patching in place can't add or drop rows, so refetch those lists, once per
 * burst of changes. Unfiltered lists are only ever patched.
 */
function refreshFilteredLists(queryClient: QueryClient): (path: string) => void {
  let timer: number | null = null;
  return () => {
    if (timer !== null) return;
    timer = window.setTimeout(() => {
      timer = null;
      // queryKeys.listing: ['items', 'window', path, sort, order, seed, filters?] then the offset.
      void queryClient.invalidateQueries({
        predicate: (q) => q.queryKey[0] === 'items' && q.queryKey[1] === 'window' && typeof q.queryKey[6] === 'string',
        refetchType: 'active',
      });
    }, 500);
  };
}

/**
 * Files appeared in or left `folders`: refetch the listings that show them (on screen now, the
 * rest when next shown), the tree rows whose counts include them, and the root count. Nothing
 * else: a file landing in one folder of 10k must not refetch the other 9,999.
 */
export function refreshFolders(queryClient: QueryClient, folders: readonly string[]): void {
  const counted = withAncestors(folders);
  void queryClient.invalidateQueries({ predicate: (q) => pageSeesFolders(q.queryKey, folders) });
  // A first window also carries its folder's subfolders with their counts.
  void queryClient.invalidateQueries({
    predicate: (q) => q.queryKey[0] === 'items' && q.queryKey[1] === 'window' && q.queryKey.at(-1) === 0 && counted.has(String(q.queryKey[2])),
  });
  // queryKeys.dirs(p) lists p's subfolders with their counts, and p's own total.
  void queryClient.invalidateQueries({
    predicate: (q) => q.queryKey[0] === 'folders' && q.queryKey[1] === 'dirs' && typeof q.queryKey[2] === 'string' && counted.has(q.queryKey[2]),
  });
  void queryClient.invalidateQueries({ queryKey: queryKeys.health });
}

/** Builds the engine over the browser's fetch, storage, EventSource, beacon and the query cache. */
export function createBrowserEngine(queryClient: QueryClient): SyncEngine {
  const cache = createItemCacheAdapter(queryClient);
  return new SyncEngine({
    fetch: (url, init) => window.fetch(url, init),
    storage: safeStorage(() => window.localStorage),
    session: safeStorage(() => window.sessionStorage),
    clock: browserClock,
    makeId,
    createEventSource: (url) => new EventSource(url),
    beacon: (path, body) => {
      try {
        return navigator.sendBeacon(path, new Blob([JSON.stringify(body)], { type: 'text/plain' }));
      } catch {
        return false;
      }
    },
    cache,
    refetchAll: () => void queryClient.invalidateQueries(),
    pollVisible: () => void queryClient.invalidateQueries({ queryKey: ['items'], refetchType: 'active' }),
    refreshFolders: (folders) => refreshFolders(queryClient, folders),
    refetchListings: () => {
      for (const queryKey of [['items'], ['folders'], queryKeys.health]) void queryClient.invalidateQueries({ queryKey });
    },
    paintPulse: pulsePainter(),
    onRemoteChange: refreshFilteredLists(queryClient),
    batch: (fn) => notifyManager.batch(() => cache.batch(fn)),
    // A key that rates and moves on paints the next image before the rating is shown and sent.
    afterPaint: (run) => afterNextPaint(run),
    isOnline: () => navigator.onLine,
    readItem: async (path) => {
      try {
        return await requestJson('/item', sidecarSchema, { query: { path } });
      } catch {
        return null;
      }
    },
    checkSession: () => queryClient.fetchQuery({ queryKey: queryKeys.me, queryFn: ({ signal }) => fetchMe(signal), staleTime: 0 }).then((me) => !needsSignIn(me)),
  });
}

/**
 * Ties the engine to who is signed in. A 401 (on a write, or found by the stream) marks the cached
 * `/auth/me` as nobody, so the app shows the sign-in page; signing in (here, or in another tab,
 * seen on focus) puts the new answer there, and the engine then sends what it kept. A 403 may
 * mean a changed role: ask again.
 */
function useSessionBridge(engine: SyncEngine, queryClient: QueryClient): void {
  const { me } = useMe();
  const { signedOut } = useSyncExternalStore(engine.subscribe, engine.getState);
  useEffect(() => {
    let wasSignedOut = engine.getState().signedOut;
    let wasDenied = engine.queue.getSnapshot().status === 'denied';
    const offState = engine.subscribe(() => {
      const now = engine.getState().signedOut;
      if (now && !wasSignedOut) queryClient.setQueryData<MeResponse>(queryKeys.me, (old) => (old ? { ...old, user: null, can: undefined } : old));
      wasSignedOut = now;
    });
    const offQueue = engine.queue.subscribe(() => {
      const denied = engine.queue.getSnapshot().status === 'denied';
      if (denied && !wasDenied) void queryClient.invalidateQueries({ queryKey: queryKeys.me });
      wasDenied = denied;
    });
    return () => {
      offState();
      offQueue();
    };
  }, [engine, queryClient]);
  useEffect(() => {
    if (!signedOut || !me?.user || needsSignIn(me)) return;
    engine.signedIn();
  }, [engine, me, signedOut]);
}

/**
 * Owns the one SyncEngine of the page: starts it, feeds it page lifecycle and connectivity
 * events, and puts pending edits back into item pages whenever a fetch refills them.
 */
export function SyncProvider({ children, engine: given }: { children: ReactNode; engine?: SyncEngine }) {
  const queryClient = useQueryClient();
  const [engine] = useState(() => given ?? createBrowserEngine(queryClient));
  useSessionBridge(engine, queryClient);

  useEffect(() => {
    engine.start();
    const onHide = () => engine.pageHide();
    const onShow = (e: PageTransitionEvent) => {
      if (e.persisted) engine.pageShow();
    };
    const onOnline = () => {
      engine.stream.reconnectNow();
      engine.queue.retryNow();
    };
    const onOffline = () => engine.stream.wentOffline();
    // Hidden tabs get their timers throttled (to once a minute after a while), so heartbeats lapse
    // and the server stops counting the tab; coming back re-joins at once.
    const onVisible = () => {
      if (document.visibilityState === 'visible') engine.pageShow();
    };
    document.addEventListener('visibilitychange', onVisible);
    // Rewritten and moved files: their thumbnail and file URLs follow (see media-stamps.ts).
    const offMedia = engine.onServerEvent((e) => {
      if (e.type === 'item-changed') mediaStamps.set(e.data.path, e.data.stamp);
      else if (e.type === 'item-moved') mediaStamps.move(e.data.from, e.data.to);
    });
    window.addEventListener('pagehide', onHide);
    window.addEventListener('pageshow', onShow);
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);

    // A fetch that refills item pages drops optimistic edits and may be older than what events
    // told us: re-render the affected items (batched, outside the cache's notification).
    let scheduled = false;
    const dirty = new Set<string>();
    const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || event.action.type !== 'success' || event.query.queryKey[0] !== 'items') return;
      if (event.action.manual) return; // our own in-place patches, not a fetch
      const data = event.query.state.data as { items?: Item[] } | undefined;
      if (!data?.items) return;
      const pending = new Set(engine.queue.pendingPaths());
      const tracked = new Set(engine.labels.trackedPaths());
      for (const item of data.items) if (pending.has(item.path) || tracked.has(item.path)) dirty.add(item.path);
      if (!dirty.size || scheduled) return;
      scheduled = true;
      queueMicrotask(() => {
        scheduled = false;
        const paths = [...dirty];
        dirty.clear();
        engine.labels.reconcile(paths);
      });
    });
    return () => {
      unsubscribe();
      offMedia();
      window.removeEventListener('pagehide', onHide);
      window.removeEventListener('pageshow', onShow);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      document.removeEventListener('visibilitychange', onVisible);
      engine.stop();
    };
  }, [engine, queryClient]);

  return <SyncContext.Provider value={engine}>{children}</SyncContext.Provider>;
}

/** The engine, or null outside <SyncProvider> (features that only listen can do without it). */
export function useOptionalSyncEngine(): SyncEngine | null {
  return useContext(SyncContext);
}

export function useSyncEngine(): SyncEngine {
  const engine = useContext(SyncContext);
  if (!engine) throw new Error('useSyncEngine outside <SyncProvider>');
  return engine;
}

/** The write queue's state: global status and per-item save states. */
export function useSyncStatus(): SyncSnapshot {
  const engine = useSyncEngine();
  return useSyncExternalStore(engine.queue.subscribe.bind(engine.queue), engine.queue.getSnapshot);
}

export function useEngineState(): EngineState {
  const engine = useSyncEngine();
  return useSyncExternalStore(engine.subscribe, engine.getState);
}

/** Whether this tab has a step to undo or redo (and how many items each touches). */
export function useUndoState(): UndoSnapshot {
  const engine = useSyncEngine();
  return useSyncExternalStore(engine.undoStack.subscribe, engine.undoStack.getSnapshot);
}

const NO_STATE: ItemSyncState | null = null;
export function useItemSyncState(path: string | null): ItemSyncState | null {
  const status = useSyncStatus();
  return path ? (status.items.get(path) ?? NO_STATE) : NO_STATE;
}

export interface LabelActions {
  setStar(paths: readonly string[], star: number | null): boolean;
  setFlag(paths: readonly string[], flag: Flag): boolean;
  addTag(paths: readonly string[], tag: string): boolean;
  removeTag(paths: readonly string[], tag: string): boolean;
  setNotes(paths: readonly string[], notes: string): boolean;
  edit(paths: readonly string[], ops: LabelOps): boolean;
}

export function useLabelActions(): LabelActions {
  const engine = useSyncEngine();
  const [actions] = useState<LabelActions>(() => ({
    setStar: (paths, star) => engine.edit(paths, { set_star: star }),
    setFlag: (paths, flag) => engine.edit(paths, { set_flag: flag }),
    addTag: (paths, tag) => (tag.trim() ? engine.edit(paths, { add_tags: [tag.trim()] }) : false),
    removeTag: (paths, tag) => engine.edit(paths, { remove_tags: [tag] }),
    setNotes: (paths, notes) => engine.edit(paths, { set_notes: notes }),
    edit: (paths, ops) => engine.edit(paths, ops),
  }));
  return actions;
}
