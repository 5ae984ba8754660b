import type { ItemMoved, ItemUpdated, MetricsUpdated } from '../../../protocol/events.js';
import { applyOps, sameLabels, type LabelOps, type LabelState } from './label-ops.js';

export interface CachedLabels extends LabelState {
  metrics?: Record<string, number>;
}

/** How the sync code reaches the query cache; the app passes one built on `patchItemInCache`. */
export interface ItemCacheAdapter {
  /** The item's labels as cached now (optimistic edits included), or null if not cached. */
  read(path: string): CachedLabels | null;
  /** Patches the cached item in place wherever it is cached (grid pages, item queries). */
  patch(path: string, partial: Partial<CachedLabels>): void;
  /**
   * The item at `from` now lives at `to`: rename it in place where `to` is listed too, drop it
   * where not. Returns the keys of the pages it was dropped from (to refetch).
   */
  move?(from: string, to: string, partial: Partial<CachedLabels>): (readonly unknown[])[];
}

const MAX_CONFIRMED = 5_000;

/**
 * Keeps the query cache equal to "latest server state + my pending edits" for every item, patched
 * in place: no refetch, and no flicker when a server answer or an event arrives while an edit is
 * pending. Versions guard against a late event or a slow refetch rolling an item back.
 */
export class LabelCache {
  private readonly confirmed = new Map<string, LabelState>();

  constructor(
    private readonly cache: ItemCacheAdapter,
    private readonly pendingOps: (path: string) => LabelOps[],
  ) {}

  /** The newest server state known for `path`: the base a new edit is made against. */
  serverState(path: string): LabelState | null {
    return this.known(path);
  }

  /** What the item shows: the newest server state plus my pending edits (the version is the server's). */
  shown(path: string): LabelState | null {
    const server = this.known(path);
    return server ? applyAll(server, this.pendingOps(path)) : null;
  }

  /**
   * A server state for `path` (write answer, event, refetch). Returns false, changing nothing,
   * when it is older than what we already have.
   */
  receive(path: string, state: LabelState): boolean {
    const known = this.known(path);
    if (known && state.version < known.version) return false;
    this.remember(path, strip(state));
    this.render(path);
    return true;
  }

  onItemUpdated(event: ItemUpdated): boolean {
    const accepted = this.receive(event.path, event);
    if (accepted && event.metrics) this.cache.patch(event.path, { metrics: event.metrics });
    return accepted;
  }

  onMetricsUpdated(event: MetricsUpdated): boolean {
    const known = this.known(event.path);
    if (known && event.version < known.version) return false;
    if (known) this.remember(event.path, { ...known, version: event.version });
    this.cache.patch(event.path, { metrics: event.metrics, version: event.version });
    return true;
  }

  /**
   * The item's labels and version followed its file from `from` to `to`. The cached rows are
   * renamed where they stand (no refetch, no jump), then shown with the edits still pending for
   * `to` (the write queue moved them there first). Returns the pages the item left.
   */
  onItemMoved(event: ItemMoved): (readonly unknown[])[] {
    const state = strip(event);
    this.confirmed.delete(event.from);
    const known = this.known(event.to);
    const server = known && known.version > state.version ? known : state;
    this.remember(event.to, server);
    const partial: Partial<CachedLabels> = { star: server.star, flag: server.flag, tags: server.tags, notes: server.notes, version: server.version };
    if (event.metrics) partial.metrics = event.metrics;
    const left = this.cache.move?.(event.from, event.to, partial) ?? [];
    this.render(event.to);
    return left;
  }

  /** Shows "server state + pending edits" for `path`, patching the cache only if that differs. */
  render(path: string): void {
    const cached = this.cache.read(path);
    const server = this.known(path);
    if (!server) return;
    const display = applyAll(server, this.pendingOps(path));
    if (cached && cached.version === display.version && sameLabels(cached, display)) return;
    this.cache.patch(path, { star: display.star, flag: display.flag, tags: display.tags, notes: display.notes, version: display.version });
  }

  /** After the cache was (re)filled from the server: put back pending edits and newer states. */
  reconcile(paths: Iterable<string>): void {
    for (const path of paths) this.render(path);
  }

  trackedPaths(): string[] {
    return [...this.confirmed.keys()];
  }

  /**
   * Invariant: the cache holds an optimistic overlay only for paths remembered here, and its
   * `version` is always a server version. So an unremembered cached item is pure server state,
   * and a cached version newer than the remembered one comes from a refetch.
   */
  private known(path: string): LabelState | null {
    const remembered = this.confirmed.get(path) ?? null;
    const cached = this.cache.read(path);
    if (cached && (!remembered || cached.version > remembered.version)) {
      const server = strip(cached);
      this.remember(path, server);
      return server;
    }
    return remembered;
  }

  private remember(path: string, state: LabelState): void {
    this.confirmed.delete(path);
    this.confirmed.set(path, state);
    if (this.confirmed.size > MAX_CONFIRMED) {
      for (const key of this.confirmed.keys()) {
        if (this.pendingOps(key).length === 0) {
          this.confirmed.delete(key);
          break;
        }
      }
    }
  }
}

function strip(s: LabelState): LabelState {
  // An item cached by a server older than flags has none: unflagged.
  return { version: s.version, star: s.star, flag: s.flag ?? null, tags: [...s.tags], notes: s.notes };
}

function applyAll(state: LabelState, ops: LabelOps[]): LabelState {
  return ops.reduce<LabelState>((acc, o) => applyOps(acc, o), state);
}
