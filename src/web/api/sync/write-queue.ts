import { MAX_WRITE_BATCH } from '../../../protocol/label-writes.js';
import { backoffDelay } from '../../lib/backoff.js';
import { headerSafe, idempotencyKey, nextSequence, type KeyValueStorage } from './client-identity.js';
import { classify, readBatchResults, type WriteOutcome } from './http-outcome.js';
import { isEmptyOps, isSatisfied, mergeOps, sameLabels, type LabelOps, type LabelState } from './label-ops.js';
import { computeSnapshot, type Clock, type FetchLike, type QueuedEntry, type QueuedItem, type SyncSnapshot } from './queue-model.js';
import { QueueStorage } from './queue-storage.js';
import { rebase, type ConflictField } from './rebase.js';

export type { Clock, FetchLike, GlobalSyncStatus, ItemSyncState, ItemSyncStatus, QueuedEntry, QueuedItem, ResponseLike, SyncSnapshot } from './queue-model.js';
export { ORPHAN_AFTER_MS } from './queue-storage.js';

/** An edit that must wait for the user: someone else changed `fields` of `path` since (see `editEach`). */
export interface PlannedConflict {
  path: string;
  ops: LabelOps;
  fields: ConflictField[];
  /** What the item shows now (the server's newer state). */
  current: LabelState;
}

export interface WriteQueueOptions {
  fetch: FetchLike;
  storage: KeyValueStorage;
  clock: Clock;
  clientId: string;
  tabId: string;
  getUser: () => string;
  /** Latest server state known for a path (the base of a new edit); null when unknown. */
  getBase: (path: string) => LabelState | null;
  /** A newer server state for a path, learned from a write's response. */
  onServerState?: (path: string, state: LabelState) => void;
  /** The pending edits of a path changed: re-render its optimistic state. */
  onPathChange?: (path: string) => void;
  /** The server answered 404 for `path`: the item is gone (its edit is parked as missing). */
  onMissing?: (path: string) => void;
  /** A write was answered 401 (the session ended): show the sign-in page, then call `resume()`. */
  onUnauthenticated?: () => void;
  /**
   * Runs what a new edit shows and sends later (the browser: after the next paint). The edit is
   * queued and persisted at once either way; its optimistic render (`onPathChange`), the status
   * (`subscribe`) and its request wait, so a key press that rates and moves on paints the next
   * image first. Without it, all of that happens at once.
   */
  afterPaint?: (run: () => void) => void;
  baseUrl?: string;
  maxInFlight?: number;
  random?: () => number;
}

const ALIVE_EVERY_MS = 5_000;
const MAX_AUTO_REBASES = 5;
const MAX_SAVED_SHOWN = 500;
const MAX_RETRY_AFTER_MS = 300_000;

/**
 * The one path every label edit takes to the server. Entries are persisted (a reload or a closed
 * tab loses nothing), sent in order per item with `base_version` and an `Idempotency-Key`, and
 * retried with backoff on network errors, 5xx and 429. A definitive answer splits an entry into
 * per-item results; a 409 is rebased by the rules in rebase.ts or left for the user to resolve.
 */
export class WriteQueue {
  private entries: QueuedEntry[] = [];
  private readonly inFlight = new Set<string>();
  private readonly savedPaths = new Set<string>();
  private readonly ownVersions = new Map<string, Set<number>>();
  private readonly settleWaiters = new Map<string, Array<() => void>>();
  /** Items that moved (old path → new path and state): a 404 for the old path is retargeted, not parked. */
  private readonly moved = new Map<string, { to: string; state: LabelState }>();
  private readonly listeners = new Set<() => void>();
  private snapshot: SyncSnapshot;
  private timer: unknown = null;
  private aliveTimer: unknown = null;
  private running = false;
  private denied: string | null = null;
  private signedOut = false;
  private rateLimitedUntil = 0;
  /** Paths of new edits whose render, status and request wait for `afterPaint`. */
  private deferred: Set<string> | null = null;
  private readonly store: QueueStorage;

  constructor(private readonly o: WriteQueueOptions) {
    this.store = new QueueStorage(o.storage, o.clock, o.tabId);
    // A reload is a good moment to retry: what was waiting for a backoff goes out at once.
    this.entries = this.store.load().map((e) => ({ ...e, next_at: 0 }));
    this.snapshot = this.computeSnapshot();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.heartbeat();
    this.pump();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    if (this.aliveTimer !== null) this.o.clock.clearTimeout(this.aliveTimer);
    this.timer = this.aliveTimer = null;
  }

  /** On pagehide: let other tabs adopt what is left at once (a reload takes it back first). */
  markClosed(): void {
    this.persist();
    this.store.markClosed();
  }

  /** Queues one edit for one item (coalesced into the previous unsent one) or a batch for several. */
  edit(paths: readonly string[], ops: LabelOps): boolean {
    if (this.denied || isEmptyOps(ops)) return false;
    const items: QueuedItem[] = [];
    for (const path of new Set(paths)) {
      const base = this.o.getBase(path);
      // Re-rating a 4★ image 4★ changes nothing: don't spend a version and a history entry on it.
      // With edits still pending the effective state is unknown here, so those always queue.
      if (base && (this.pendingOps(path).length > 0 || !isSatisfied(ops, base))) items.push({ path, base, ops, state: 'queued' });
    }
    if (!items.length) return false;
    const last = this.entries[this.entries.length - 1];
    const only = items[0]!;
    if (
      items.length === 1 &&
      last &&
      !last.sent &&
      !this.inFlight.has(last.key) &&
      last.items.length === 1 &&
      last.items[0]!.path === only.path &&
      last.items[0]!.state === 'queued'
    ) {
      last.items[0]!.ops = mergeOps(last.items[0]!.ops, ops);
      last.user = this.o.getUser();
    } else {
      this.entries.push(this.newEntry(items));
    }
    for (const item of items) this.savedPaths.delete(item.path);
    this.queued(items.map((i) => i.path));
    return true;
  }

  /**
   * Queues edits that differ per item as one entry: several items go out as one `PATCH /items`
   * (an undo of a batch is one write; past the batch limit, one per full batch). `conflicts` were
   * found before sending (someone else changed those fields since): they wait for the user like a
   * 409 conflict, "Apply my changes again" / "Keep theirs".
   */
  editEach(items: readonly { path: string; ops: LabelOps }[], conflicts: readonly PlannedConflict[] = []): boolean {
    if (this.denied) return false;
    const queued: QueuedItem[] = [];
    const seen = new Set<string>();
    for (const { path, ops } of items) {
      const base = this.o.getBase(path);
      if (!base || isEmptyOps(ops) || seen.has(path)) continue;
      seen.add(path);
      queued.push({ path, base, ops, state: 'queued' });
    }
    const waiting = conflicts
      .filter((c) => !isEmptyOps(c.ops))
      .map((c) => this.newEntry([{ path: c.path, base: this.o.getBase(c.path) ?? c.current, ops: c.ops, state: 'conflict', current: c.current, fields: c.fields }]));
    if (!queued.length && !waiting.length) return false;
    for (let i = 0; i < queued.length; i += MAX_WRITE_BATCH) this.entries.push(this.newEntry(queued.slice(i, i + MAX_WRITE_BATCH)));
    // After the edits they may share a path with: a conflict holds back what comes after it.
    this.entries.push(...waiting);
    const paths = [...queued.map((i) => i.path), ...conflicts.map((c) => c.path)];
    for (const p of paths) this.savedPaths.delete(p);
    this.queued(paths);
    return true;
  }

  /** Pending edits of a path in queue order: the optimistic overlay on top of the server state. */
  pendingOps(path: string): LabelOps[] {
    const out: LabelOps[] = [];
    for (const e of this.entries) for (const i of e.items) if (i.path === path && i.state !== 'missing') out.push(i.ops);
    return out;
  }

  pendingPaths(): string[] {
    return [...new Set(this.entries.flatMap((e) => e.items.map((i) => i.path)))];
  }

  /** "Apply my changes again": resend the conflicting part on top of the latest server state. */
  applyMine(path: string): void {
    const entry = this.entries.find((e) => e.items[0]?.path === path && e.items[0].state === 'conflict');
    if (!entry) return;
    const item = entry.items[0]!;
    const base = this.latest(path, item.current ?? item.base);
    const replacement = this.newEntry([{ path, base, ops: item.ops, state: 'queued' }]);
    this.entries.splice(this.entries.indexOf(entry), 1, replacement);
    this.changed([path]);
    this.pump();
  }

  /** "Keep theirs": drop the conflicting part of my edit. */
  keepTheirs(path: string): void {
    this.removeWhere((i) => i.path === path && i.state === 'conflict');
    this.changed([path]);
    this.pump();
  }

  /** Forget an edit the server refused for good (invalid, missing item). */
  discard(path: string): void {
    this.removeWhere((i) => i.path === path && (i.state === 'invalid' || i.state === 'missing'));
    this.changed([path]);
  }

  /**
   * Sends again the edits parked as "Item missing": once a server has finished indexing, an item
   * it did not know while it was still building its index is found (and one truly gone is parked again).
   */
  retryMissing(): void {
    const paths: string[] = [];
    for (const e of this.entries) {
      for (const i of e.items) {
        if (i.state !== 'missing') continue;
        i.state = 'queued';
        delete i.message;
        e.next_at = 0;
        paths.push(i.path);
      }
    }
    if (!paths.length) return;
    this.changed(paths);
    this.pump();
  }

  /**
   * Stops sending until `resume()`: nobody is signed in (a write answered 401, or the event stream
   * found the session gone). Edits stay queued, and may still be made: they go out after sign-in.
   */
  signOut(): void {
    if (this.signedOut) return;
    this.signedOut = true;
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    this.emit();
    this.o.onUnauthenticated?.();
  }

  /** Signed in again: send everything waiting, under the keys it already had (none of it was applied). */
  resume(): void {
    if (!this.signedOut) return;
    this.signedOut = false;
    for (const e of this.entries) e.next_at = 0;
    this.emit();
    this.pump();
  }

  get isSignedOut(): boolean {
    return this.signedOut;
  }

  /** "Not saved — retry": send everything waiting now, and lift a permission stop. */
  retryNow(): void {
    this.denied = null;
    for (const e of this.entries) e.next_at = 0;
    this.emit();
    this.pump();
  }

  /**
   * A newer server state seen on the event stream. A conflict stays until the user resolves it,
   * unless the server now shows exactly what the user asked for; unrelated events change nothing.
   */
  observeServerState(path: string, state: LabelState): void {
    let touched = false;
    for (const e of this.entries) {
      const item = e.items[0];
      if (e.items.length !== 1 || !item || item.path !== path || item.state !== 'conflict') continue;
      if (item.current && state.version <= item.current.version) continue;
      item.current = state;
      touched = true;
    }
    if (!touched) return;
    this.removeWhere((i) => i.path === path && i.state === 'conflict' && isSatisfied(i.ops, state));
    this.changed([path]);
  }

  /**
   * The item at `from` moved to `to` (its labels and version followed it; `state` is the server's
   * state there). Edits still waiting for `from` would be answered 404: they go to `to` instead.
   * A move changes no label, so an edit made against the labels `to` now has is based on the new
   * version and goes through as is; one made against older labels keeps its old base and meets
   * the usual 409 rebase. A sent body is frozen under its key, so a sent edit gets a new key (an
   * edit the server already shows is done). One in flight is retargeted when its 404 comes back.
   */
  movePath(from: string, to: string, state: LabelState): void {
    if (from === to) return;
    // `to` exists now, and whatever was headed for `from` is headed for `to`: no chain can loop.
    this.moved.delete(to);
    for (const m of this.moved.values()) if (m.to === from) m.to = to;
    this.moved.delete(from);
    this.moved.set(from, { to, state });
    if (this.moved.size > 200) this.moved.delete(this.moved.keys().next().value as string);
    let touched = false;
    const done: QueuedEntry[] = [];
    for (const e of this.entries) {
      if (this.inFlight.has(e.key) || !e.items.some((i) => i.path === from)) continue;
      for (const i of e.items) if (i.path === from) this.retarget(i, to, state);
      if (e.sent) {
        e.items = e.items.filter((i) => !(i.path === to && isSatisfied(i.ops, state) && i.state === 'queued'));
        if (!e.items.length) done.push(e);
        this.rekey(e);
      }
      e.next_at = 0;
      touched = true;
    }
    if (done.length) this.entries = this.entries.filter((e) => !done.includes(e));
    if (this.savedPaths.delete(from)) this.markSaved(to);
    if (!touched) return;
    this.changed([from, to]);
    this.pump();
  }

  private retarget(item: QueuedItem, to: string, state: LabelState): void {
    item.path = to;
    if (sameLabels(item.base, state) && state.version > item.base.version) item.base = state;
    if (item.current && sameLabels(item.current, state)) item.current = state;
    // Parked as missing because the 404 beat the move event: the item exists again, under `to`.
    if (item.state === 'missing') {
      item.state = 'queued';
      delete item.message;
    }
  }

  isInFlight(path: string): boolean {
    return this.entries.some((e) => this.inFlight.has(e.key) && e.items.some((i) => i.path === path));
  }

  /** Resolves once no request touching `path` is in flight (to tell own events from others'). */
  settled(path: string): Promise<void> {
    if (!this.isInFlight(path)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.settleWaiters.get(path) ?? [];
      list.push(resolve);
      this.settleWaiters.set(path, list);
    });
  }

  /**
   * True when a write of ours for `path` went out without an answer (it may have been applied
   * while the answer got lost) and `state` shows exactly what it asked for: most likely our own.
   */
  mayBeOwn(path: string, state: LabelState): boolean {
    return this.entries.some((e) => e.sent && e.items.some((i) => i.path === path && i.state === 'queued' && isSatisfied(i.ops, state)));
  }

  /** True when `version` of `path` was produced by one of this queue's own writes. */
  isOwnVersion(path: string, version: number): boolean {
    return this.ownVersions.get(path)?.has(version) ?? false;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getSnapshot = (): SyncSnapshot => this.snapshot;

  /** Takes over queues left by tabs that closed (or crashed) before their edits were saved. */
  adoptOrphans(): number {
    const theirs = this.store.takeOrphans().filter((e) => !this.entries.some((m) => m.key === e.key));
    if (!theirs.length) return 0;
    this.entries.push(...theirs);
    this.changed(theirs.flatMap((e) => e.items.map((i) => i.path)));
    this.pump();
    return theirs.length;
  }

  // ---- sending ----

  /**
   * New edits of `paths`: persisted now; shown and sent now, or through `afterPaint` when given
   * (one run for the edits made before it comes).
   */
  private queued(paths: readonly string[]): void {
    const later = this.o.afterPaint;
    if (!later) {
      this.changed(paths);
      this.pump();
      return;
    }
    this.persist();
    if (this.deferred) {
      for (const p of paths) this.deferred.add(p);
      return;
    }
    this.deferred = new Set(paths);
    later(() => {
      const shown = this.deferred ?? new Set<string>();
      this.deferred = null;
      for (const p of shown) this.o.onPathChange?.(p);
      this.emit();
      this.pump();
    });
  }

  private pump(): void {
    if (!this.running) return;
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.denied || this.signedOut) return;
    const now = this.o.clock.now();
    if (this.rateLimitedUntil > now) {
      this.schedule(this.rateLimitedUntil - now);
      return;
    }
    const max = this.o.maxInFlight ?? 4;
    const blocked = new Set<string>();
    let earliest = Infinity;
    for (const entry of this.entries) {
      const active = entry.items.filter((i) => i.state === 'queued' || i.state === 'conflict');
      if (!active.length) continue;
      const ready =
        !this.inFlight.has(entry.key) && entry.items.every((i) => i.state === 'queued') && active.every((i) => !blocked.has(i.path));
      for (const i of active) blocked.add(i.path);
      if (!ready) continue;
      if (entry.next_at > now) earliest = Math.min(earliest, entry.next_at);
      else if (this.inFlight.size < max) void this.send(entry);
    }
    if (earliest !== Infinity) this.schedule(earliest - now);
  }

  private schedule(ms: number): void {
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, ms));
  }

  private heartbeat(): void {
    if (!this.running) return;
    this.store.markAlive();
    this.adoptOrphans();
    this.aliveTimer = this.o.clock.setTimeout(() => this.heartbeat(), ALIVE_EVERY_MS);
  }

  private async send(entry: QueuedEntry): Promise<void> {
    this.inFlight.add(entry.key);
    if (!entry.sent) {
      entry.sent = true;
      this.persist();
    }
    this.emit();
    const single = entry.items.length === 1;
    const first = entry.items[0]!;
    const base = this.o.baseUrl ?? '';
    const url = single ? `${base}/item?path=${encodeURIComponent(first.path)}` : `${base}/items`;
    const body = single
      ? { base_version: first.base.version, ...first.ops }
      : entry.items.map((i) => ({ path: i.path, base_version: i.base.version, ...i.ops }));
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Idempotency-Key': entry.key,
      'X-Client-Id': this.o.clientId,
    };
    if (entry.user) headers['X-Lenslet-User'] = headerSafe(entry.user);
    let outcome: WriteOutcome;
    let batch: ReturnType<typeof readBatchResults> | null = null;
    try {
      const res = await this.o.fetch(url, { method: 'PATCH', headers, body: JSON.stringify(body) });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      const now = this.o.clock.now();
      outcome = classify(res.status, json, res.headers.get('Retry-After'), now);
      if (!single && res.status >= 200 && res.status < 300) {
        batch = readBatchResults(json);
        outcome = batch.length ? { kind: 'ok', state: first.base } : { kind: 'transient', reason: 'server' };
      }
    } catch {
      outcome = { kind: 'transient', reason: 'network' };
    }
    this.inFlight.delete(entry.key);
    if (this.entries.includes(entry)) this.settle(entry, outcome, batch);
    for (const item of entry.items) this.wakeSettled(item.path);
    this.pump();
  }

  private settle(entry: QueuedEntry, outcome: WriteOutcome, batch: ReturnType<typeof readBatchResults> | null): void {
    const now = this.o.clock.now();
    const paths = entry.items.map((i) => i.path);
    switch (outcome.kind) {
      case 'transient':
        entry.attempts += 1;
        entry.error = outcome.reason;
        // A server that says when it will be ready (a restart still indexing) is asked then, not after a growing backoff.
        entry.next_at = now + (outcome.retryAfterMs != null ? Math.min(MAX_RETRY_AFTER_MS, outcome.retryAfterMs) : this.backoff(entry.attempts));
        break;
      case 'rate_limited':
        this.rateLimitedUntil = now + Math.min(300_000, Math.max(1_000, outcome.retryAfterMs ?? this.backoff(entry.attempts + 1)));
        entry.attempts += 1;
        this.rekey(entry);
        break;
      case 'unauthenticated':
        // Refused before any route ran (nothing recorded under the key): the same key goes out again after sign-in.
        this.signOut();
        break;
      case 'denied':
        this.denied = outcome.message;
        this.rekey(entry);
        break;
      case 'rekey':
        this.rekey(entry);
        break;
      default: {
        const replacements: QueuedEntry[] = [];
        for (const item of entry.items) {
          const result = batch ? batch.find((r) => r.path === item.path)?.outcome : outcome;
          replacements.push(...this.resolveItem(item, result ?? { kind: 'transient', reason: 'server' }));
        }
        // Items a batch answer left out (or answered transiently) go out again, under a new key.
        const retry = replacements.filter((r) => r.key === '');
        for (const r of retry) r.key = this.nextKey();
        this.entries.splice(this.entries.indexOf(entry), 1, ...replacements);
      }
    }
    this.changed(paths);
  }

  /** Returns what replaces `item` in the queue (nothing once it is saved). */
  private resolveItem(item: QueuedItem, outcome: WriteOutcome): QueuedEntry[] {
    const path = item.path;
    switch (outcome.kind) {
      case 'ok':
        this.acknowledge(item, outcome.state);
        return [];
      case 'conflict': {
        const current = outcome.current;
        this.o.onServerState?.(path, current);
        this.chainBase(path, item.base.version, current);
        const r = rebase(item.ops, item.base, current);
        const rebases = (item.rebases ?? 0) + 1;
        if (r.kind === 'satisfied') {
          this.markSaved(path);
          return [];
        }
        if (r.kind === 'rebased' && rebases <= MAX_AUTO_REBASES) {
          return [this.newEntry([{ path, base: current, ops: r.ops, state: 'queued', rebases }])];
        }
        const out: QueuedEntry[] = [];
        const conflictOps = r.kind === 'conflict' ? r.conflictOps : r.ops;
        if (r.kind === 'conflict' && !isEmptyOps(r.autoOps)) {
          out.push(this.newEntry([{ path, base: current, ops: r.autoOps, state: 'queued', rebases }]));
        }
        const fields = r.kind === 'conflict' ? r.fields : fieldsOf(conflictOps);
        out.push(this.newEntry([{ path, base: current, ops: conflictOps, state: 'conflict', current, fields }]));
        return out;
      }
      case 'missing': {
        const moved = this.moved.get(path);
        if (moved) {
          const next = { ...item, ops: item.ops };
          this.retarget(next, moved.to, this.latest(moved.to, moved.state));
          this.o.onPathChange?.(moved.to);
          return [this.newEntry([next])];
        }
        this.o.onMissing?.(path);
        return [this.newEntry([{ ...item, state: 'missing', message: 'Item missing' }])];
      }
      case 'invalid':
        return [this.newEntry([{ ...item, state: 'invalid', message: outcome.message }])];
      default: {
        const e = this.newEntry([{ ...item }]);
        e.key = '';
        return [e];
      }
    }
  }

  private acknowledge(item: QueuedItem, state: LabelState): void {
    const own = this.ownVersions.get(item.path) ?? new Set<number>();
    own.add(state.version);
    if (own.size > 50) own.delete(own.values().next().value as number);
    this.ownVersions.set(item.path, own);
    this.o.onServerState?.(item.path, state);
    this.chainBase(item.path, item.base.version, state);
    this.markSaved(item.path);
  }

  /** "Saved" is shown for the most recent items only: the set must not grow with the session. */
  private markSaved(path: string): void {
    this.savedPaths.delete(path);
    this.savedPaths.add(path);
    if (this.savedPaths.size > MAX_SAVED_SHOWN) this.savedPaths.delete(this.savedPaths.values().next().value as string);
  }

  /** Later edits of ours made against the same base were made on top of this one: move them up. */
  private chainBase(path: string, oldVersion: number, state: LabelState): void {
    for (const e of this.entries) for (const i of e.items) {
      if (i.path === path && i.state === 'queued' && i.base.version === oldVersion && !e.sent) i.base = state;
    }
  }

  private rekey(entry: QueuedEntry): void {
    entry.key = this.nextKey();
    entry.sent = false;
  }

  private backoff(attempts: number): number {
    return backoffDelay(attempts, this.o.random);
  }

  private latest(path: string, fallback: LabelState): LabelState {
    const known = this.o.getBase(path);
    return known && known.version >= fallback.version ? known : fallback;
  }

  private nextKey(): string {
    return idempotencyKey(this.o.clientId, nextSequence(this.o.storage));
  }

  private newEntry(items: QueuedItem[]): QueuedEntry {
    const now = this.o.clock.now();
    return { key: this.nextKey(), items, user: this.o.getUser(), created_at: now, sent: false, attempts: 0, next_at: 0 };
  }

  private removeWhere(pred: (i: QueuedItem) => boolean): void {
    this.entries = this.entries.filter((e) => !(e.items.length === 1 && pred(e.items[0]!) && !this.inFlight.has(e.key)));
  }

  private wakeSettled(path: string): void {
    if (this.isInFlight(path)) return;
    const list = this.settleWaiters.get(path);
    this.settleWaiters.delete(path);
    for (const wake of list ?? []) wake();
  }

  // ---- state ----

  private changed(paths: readonly string[]): void {
    this.persist();
    for (const p of new Set(paths)) this.o.onPathChange?.(p);
    this.emit();
  }

  private emit(): void {
    this.snapshot = this.computeSnapshot();
    for (const l of [...this.listeners]) l();
  }

  private computeSnapshot(): SyncSnapshot {
    const { entries, inFlight, savedPaths, denied, signedOut, rateLimitedUntil } = this;
    return computeSnapshot({ entries, inFlight, savedPaths, denied, signedOut, rateLimitedUntil, now: this.o.clock.now() });
  }

  private persist(): void {
    this.store.save(this.entries);
  }
}

function fieldsOf(ops: LabelOps): ConflictField[] {
  const f: ConflictField[] = [];
  if (ops.set_star !== undefined) f.push('star');
  if (ops.set_flag !== undefined) f.push('flag');
  if (ops.set_notes !== undefined) f.push('notes');
  if (ops.set_tags !== undefined || ops.add_tags?.length || ops.remove_tags?.length) f.push('tags');
  return f;
}
