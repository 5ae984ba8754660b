import { canonicalPath } from '../../protocol/paths.js';
import type { ItemMoved } from '../../protocol/events.js';
import { flagSchema, starSchema, type Sidecar } from '../../protocol/items.js';
import { AppError } from '../app-error.js';
import type { ChangeFeed } from '../events/change-feed.js';
import { fingerprint, replay } from '../lib/idempotency.js';
import { GroupCommitter } from './group-commit.js';
import { checkNotes, normalizeTags } from './label-input.js';
import type { LabelLookup, LabelSnapshot } from './label-lookup.js';
import type { HistoryEntry } from '../../protocol/history.js';
import { historyEntries } from './history-labels.js';
import { seededSidecar } from './label-model.js';
import { LabelProjection, type ProjectionListener } from './label-projection.js';
import type {
  ChangesSince,
  LabelFields,
  LabelMove,
  LabelPatch,
  LabelSeedRow,
  LabelStore,
  LabelWrite,
  MoveResult,
  StoredEvent,
  UnitOutcome,
  WriteUnit,
} from './label-store.js';
import { outcomeOf, type OutcomeShape, type OutcomeSlot, type WriteOutcome } from './write-outcome.js';

/** Who writes, under which Idempotency-Key; the request was already read and validated. */
export interface WriteMeta {
  key: string;
  actor: string;
}

/** A write's outcome, and whether it was replayed from the idempotency record. */
export interface WriteReply {
  outcome: WriteOutcome;
  replayed: boolean;
}

/** One entry of a batch PATCH: canonical path, the version it was based on, normalised patch. */
export interface BatchEntry {
  path: string;
  base_version: number;
  patch: LabelPatch;
}

export interface LabelServiceOptions {
  store: LabelStore;
  feed: ChangeFeed;
  /** True when the gallery has an image at this canonical path. */
  itemExists: (path: string) => boolean;
  now?: () => number;
}

export interface LabelsHealth {
  persistent: boolean;
  store: string;
  path: string | null;
  last_event_id: number;
  /** PostgreSQL only: whether the last call reached the database. */
  connection?: 'connected' | 'unavailable';
}

/** PostgreSQL: how long a commit may wait at most for the writers of the last one (group commit gathering). */
const POSTGRES_GATHER_MAX_MS = 4;

/** How often expired idempotency records are pruned. */
const PRUNE_EVERY_MS = 60_000;

/**
 * The label rules behind the routes: existence and version checks, idempotency, who/when
 * stamping, group commit, publishing committed events, and the in-memory projection that
 * listings read through `LabelLookup`. Inputs arrive validated; outcomes leave as domain data.
 */
export class LabelService implements LabelLookup {
  private readonly projection = new LabelProjection();
  private readonly committer: GroupCommitter;
  private readonly now: () => number;
  private readonly pruneTimer: NodeJS.Timeout;
  private lastEventId = 0;
  private closed = false;
  private stopWatching: () => void = () => {};

  private constructor(private readonly options: LabelServiceOptions) {
    this.now = options.now ?? Date.now;
    // PostgreSQL: a commit costs a round trip, a statement, a WAL flush and a NOTIFY to every
    // server, whatever it carries, so the next one gathers the writers of the last (LP9).
    const gatherMaxMs = options.store.kind === 'postgres' ? POSTGRES_GATHER_MAX_MS : 0;
    this.committer = new GroupCommitter(options.store, this.now, (outcomes) => this.afterCommit(outcomes), { gatherMaxMs });
    this.pruneTimer = setInterval(() => {
      options.store.pruneIdempotency(this.now()).catch((error: unknown) => console.error('idempotency prune failed', error));
    }, PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  /** Opens the service over a store, loading the projection of every labeled item. */
  static async open(options: LabelServiceOptions): Promise<LabelService> {
    const service = new LabelService(options);
    // Position first, then state: a write by another process in between is caught up, not lost.
    service.lastEventId = await options.store.currentEventId();
    await service.projection.load(options.store.exportUnder('/'));
    const stop = options.store.watchExternal?.((head) => {
      // A commit of ours may have brought that commit's events already (PostgreSQL's `recentEvents`).
      const task = () => (head !== undefined && head <= service.lastEventId ? Promise.resolve() : service.catchUp());
      void service.committer.exclusive(task).catch((error: unknown) => console.error('label catch-up failed', error));
    });
    if (stop) service.stopWatching = stop;
    return service;
  }

  /** Group-commit counters (transactions, units, time spent committing). */
  get commitStats(): { commits: number; units: number; commit_ms: number } {
    return { ...this.committer.stats };
  }

  // LabelLookup: synchronous reads for listings, search and queries.
  peek(path: string): LabelSnapshot | undefined {
    return this.projection.peek(path);
  }

  forEachLabeled(visit: (path: string, labels: LabelSnapshot) => void): void {
    this.projection.forEachLabeled(visit);
  }

  /** Every stored row, labeled or not (progress counters start from them). */
  forEachRow(visit: (path: string, labels: LabelSnapshot) => void): void {
    this.projection.forEachRow(visit);
  }

  /** Follows every change of the projection, whoever wrote it; returns the function that stops it. */
  listen(listener: ProjectionListener): () => void {
    return this.projection.listen(listener);
  }

  /** The store's event log after `afterId` (progress counters read what it still holds at start). */
  eventsSince(afterId: number, limit: number): Promise<ChangesSince> {
    return this.options.store.changesSince(afterId, limit);
  }

  health(): LabelsHealth {
    const { store } = this.options;
    const health: LabelsHealth = { persistent: store.persistent, store: store.kind, path: store.location, last_event_id: this.lastEventId };
    const connection = store.connectionState?.();
    if (connection) health.connection = connection;
    return health;
  }

  /**
   * Moves on every committed label or metric write, once the projection holds it: a stamp under
   * which queries may reuse what they derived from the labels.
   */
  get revision(): number {
    return this.lastEventId;
  }

  /** True when the gallery has an image at this canonical path now. */
  hasItem(path: string): boolean {
    return this.options.itemExists(path);
  }

  /** The canonical `path` when the gallery has an image there; `not_found` otherwise. */
  requireItem(path: string): string {
    if (!this.options.itemExists(path)) throw new AppError('not_found', `no image at ${path}`, { path });
    return path;
  }

  async getItem(path: string): Promise<Sidecar> {
    return this.options.store.get(this.requireItem(path));
  }

  /** Stored sidecars (defaults for unwritten paths), in the order given. */
  getMany(paths: readonly string[]): Promise<Sidecar[]> {
    return this.options.store.getMany(paths);
  }

  async history(path: string, limit: number): Promise<{ path: string; entries: HistoryEntry[] }> {
    const { store } = this.options;
    const events = await store.history(this.requireItem(path), limit);
    // Only a metrics-only entry newer than every label event needs the item's labels now.
    const now = events.some((e) => e.type === 'metrics-updated') ? await store.get(path) : null;
    const current = () => (now ? { star: now.star, flag: now.flag ?? null, tags: now.tags, notes: now.notes } : null);
    return { path, entries: historyEntries(events, current) };
  }

  /** PUT /item: full replace of tags, notes and star, and of the flag when the body has one. */
  putItem(path: string, labels: LabelFields, base: number, meta: WriteMeta): Promise<WriteReply> {
    const write: LabelWrite = { path: this.requireItem(path), expected_version: base, labels, ...this.stamp(meta) };
    return this.submitSingle(meta.key, ['PUT /item', path, base, labels], write);
  }

  /** PATCH /item: only the fields sent change (set, then remove, then add). */
  patchItem(path: string, patch: LabelPatch, base: number, meta: WriteMeta): Promise<WriteReply> {
    const write: LabelWrite = { path: this.requireItem(path), expected_version: base, patch, ...this.stamp(meta) };
    return this.submitSingle(meta.key, ['PATCH /item', path, base, patch], write);
  }

  /** PATCH /items: a batch in one transaction, with a result per entry (`missing` for an unknown image). */
  patchItems(entries: readonly BatchEntry[], meta: WriteMeta): Promise<WriteReply> {
    const stamp = this.stamp(meta);
    const writes: LabelWrite[] = [];
    const slots: OutcomeSlot[] = [];
    for (const entry of entries) {
      const exists = this.options.itemExists(entry.path);
      slots.push({ path: entry.path, write: exists ? writes.length : null, base_version: entry.base_version });
      if (exists) writes.push({ path: entry.path, expected_version: entry.base_version, patch: entry.patch, ...stamp });
    }
    const print = fingerprint(['PATCH /items', writes.map((w) => [w.path, w.expected_version, w.patch]), slots.map((s) => s.path)]);
    return this.submit({ writes, idempotency: { key: meta.key, fingerprint: print, shape: { kind: 'batch', slots } } });
  }

  /** PUT /metrics: a worker attaches numeric metrics (merged, no version check); the key is optional. */
  async putMetrics(items: readonly { path: string; metrics: Record<string, number> }[], meta: { key?: string; actor: string }): Promise<WriteReply> {
    const stamp = this.stamp(meta);
    const writes: LabelWrite[] = [];
    const slots: OutcomeSlot[] = [];
    for (const item of items) {
      const exists = this.options.itemExists(item.path);
      slots.push({ path: item.path, write: exists ? writes.length : null, base_version: null });
      if (exists) writes.push({ path: item.path, expected_version: null, metrics: item.metrics, ...stamp });
    }
    const shape: OutcomeShape = { kind: 'metrics', slots };
    if (meta.key === undefined) {
      const unit = await this.committer.submit({ writes });
      if (unit.kind !== 'committed') throw new Error('unexpected replay without an idempotency key');
      return { outcome: outcomeOf(shape, unit.results), replayed: false };
    }
    const print = fingerprint(['PUT /metrics', items.map((item) => [item.path, item.metrics])]);
    return this.submit({ writes, idempotency: { key: meta.key, fingerprint: print, shape } });
  }

  /**
   * Makes a dataset's labels the base state (version 1) of items the store has no row for, and
   * shows them in listings at once (SPEC LS16, LV8). No events: seeding a million rows must not
   * flood the log. Rows whose tags or notes break the write limits are skipped, not truncated.
   * `by` is stored as `updated_by` (e.g. `table`), the time of seeding as `updated_at`.
   */
  async seed(rows: readonly LabelSeedRow[], by: string): Promise<{ inserted: number; skipped: number }> {
    if (this.closed) throw new AppError('read_only', 'the label service is shutting down');
    const valid: LabelSeedRow[] = [];
    for (const row of rows) {
      const clean = cleanSeed(row);
      if (clean && this.options.itemExists(clean.path)) valid.push(clean);
    }
    const skipped = rows.length - valid.length;
    if (valid.length === 0) return { inserted: 0, skipped };
    const stamp = { updated_at: new Date(this.now()).toISOString(), updated_by: by };
    // In the commit lock, so a write to a just-seeded item reaches the projection after its seed.
    return this.committer.exclusive(async () => {
      const { store } = this.options;
      const { inserted } = await store.seedDefaults(valid, stamp);
      const fresh = new Set(inserted);
      for (const row of valid) if (fresh.has(row.path)) this.projection.apply(seededSidecar(row, stamp));
      // Rows that another process sharing the database seeded (no event announced them): read them.
      const unseen = valid.filter((r) => !fresh.has(r.path) && !this.projection.peek(r.path)).map((r) => r.path);
      if (unseen.length) for (const s of await store.getMany(unseen)) this.projection.apply(s);
      return { inserted: inserted.length, skipped };
    });
  }

  /**
   * Labels follow files that moved (SPEC LV9, LS20–LS24): one store transaction in the commit lock,
   * then the projection drops each `from` and holds its `to`, and each `item-moved` is published
   * on the feed under its event id, in id order, after the commit. `actor` is stored as
   * `updated_by` (e.g. `watcher`). Paths are canonical; whether they are items is the caller's
   * concern (the file at `from` is already gone).
   */
  async moveItems(moves: readonly LabelMove[], actor: string): Promise<MoveResult[]> {
    if (this.closed) throw new AppError('read_only', 'the label service is shutting down');
    if (moves.length === 0) return [];
    const stamp = this.stamp({ actor });
    return this.committer.exclusive(async () => {
      const results = await this.options.store.move(moves, stamp);
      const moved = results.flatMap((r) => (r.status === 'moved' && r.event.id > this.lastEventId ? [r] : []));
      if (moved.length === 0) return results;
      if (moved[0]!.event.id > this.lastEventId + 1) await this.catchUp(moved[0]!.event.id - 1);
      // One call is one permutation: every `from` leaves before any `to` arrives (a swap keeps both).
      for (const r of moved) this.projection.remove((r.event.data as ItemMoved).from);
      for (const r of moved) this.projection.apply(r.sidecar);
      for (const r of moved) {
        this.lastEventId = r.event.id;
        this.options.feed.publish({ id: r.event.id, type: r.event.type, data: r.event.data });
      }
      return results;
    });
  }

  /**
   * Tells open clients to refetch (a `resync` without an SSE id: not in the log, not replayed),
   * e.g. once seeding changed labels that no event announced.
   */
  announceRefetch(reason: string): void {
    if (this.closed) return;
    this.options.feed.publish({ id: null, type: 'resync', data: { reason, last_event_id: this.lastEventId } });
  }

  /** Every written item at or below `prefix`, in path order (for export). */
  exportUnder(prefix: string): AsyncIterable<Sidecar> {
    return this.options.store.exportUnder(prefix);
  }

  /** Waits for queued commits, then closes the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pruneTimer);
    this.stopWatching();
    await this.committer.drain();
    await this.options.store.close();
  }

  private stamp(meta: { actor: string }): { updated_at: string; updated_by: string } {
    return { updated_at: new Date(this.now()).toISOString(), updated_by: meta.actor };
  }

  private submitSingle(key: string, request: unknown, write: LabelWrite): Promise<WriteReply> {
    const shape: OutcomeShape = { kind: 'item', path: write.path, base_version: write.expected_version };
    return this.submit({ writes: [write], idempotency: { key, fingerprint: fingerprint(request), shape } });
  }

  private async submit(unit: WriteUnit & { idempotency: NonNullable<WriteUnit['idempotency']> }): Promise<WriteReply> {
    if (this.closed) throw new AppError('read_only', 'the label service is shutting down');
    const { key, fingerprint: print } = unit.idempotency;
    // Fast path for retries where a look-up is in-process; the store checks again inside the
    // transaction for concurrent duplicates. On PostgreSQL it would be a round trip on every
    // write, and the commit reads the key anyway (and answers a replay without writing).
    if (this.options.store.kind !== 'postgres') {
      const cached = await this.options.store.getIdempotency(key, this.now());
      if (cached) return { outcome: replay(cached, print), replayed: true };
    }
    const committed = await this.committer.submit(unit);
    if (committed.kind === 'replayed') return { outcome: replay(committed.record, print), replayed: true };
    return { outcome: committed.outcome!, replayed: false };
  }

  /** Runs inside the commit lock: projection and feed follow the log in event-id order. */
  private async afterCommit(outcomes: UnitOutcome[]): Promise<void> {
    const own: { sidecar: Sidecar; event: StoredEvent }[] = [];
    for (const outcome of outcomes) {
      if (outcome.kind !== 'committed') continue;
      for (const r of outcome.results) if (r.status === 'applied') own.push(r);
    }
    if (own.length === 0) return;
    // Another process committed between our last event and this commit: publish its events first.
    if (own[0]!.event.id > this.lastEventId + 1) await this.catchUp(own[0]!.event.id - 1);
    for (const r of own) {
      if (r.event.id <= this.lastEventId) continue;
      this.projection.apply(r.sidecar);
      this.lastEventId = r.event.id;
      this.options.feed.publish({ id: r.event.id, type: r.event.type, data: r.event.data });
    }
  }

  /** Applies and publishes events committed by other processes (shared stores), up to `through`. */
  private async catchUp(through = Number.MAX_SAFE_INTEGER): Promise<void> {
    const moved = new Set<string>();
    try {
      await this.followLog(through, moved);
    } finally {
      // applyEvent takes moves one by one; a cycle within one call (a swap) needs the stored rows.
      if (moved.size) await this.refresh([...moved]);
    }
  }

  private async refresh(paths: string[]): Promise<void> {
    for (const s of await this.options.store.getMany(paths)) {
      if (s.updated_at === null) this.projection.remove(s.path);
      else this.projection.apply(s);
    }
  }

  private async followLog(through: number, moved: Set<string>): Promise<void> {
    const { store, feed } = this.options;
    const held = store.recentEvents?.(this.lastEventId, through);
    if (held) {
      for (const e of held) this.follow(e, moved);
      return;
    }
    while (this.lastEventId < through) {
      const page = await store.changesSince(this.lastEventId, 500);
      if (page.reset) {
        // Too far behind to follow event by event: reload, and tell clients to refetch.
        const head = await store.currentEventId();
        await this.projection.load(store.exportUnder('/'));
        this.lastEventId = head;
        feed.publish({ id: head, type: 'resync', data: { reason: 'events_unavailable', last_event_id: head } });
        return;
      }
      for (const e of page.events) {
        if (e.id > through) return;
        this.follow(e, moved);
      }
      if (page.events.length < 500) return;
    }
  }

  /** Applies and publishes one event of another process. */
  private follow(e: StoredEvent, moved: Set<string>): void {
    this.projection.applyEvent(e);
    if (e.type === 'item-moved') moved.add((e.data as ItemMoved).from).add(e.path);
    this.lastEventId = e.id;
    this.options.feed.publish({ id: e.id, type: e.type, data: e.data });
  }
}

/** The seed with its tags normalised, or undefined when it breaks a write limit or has a bad path. */
function cleanSeed(row: LabelSeedRow): LabelSeedRow | undefined {
  if (!row.path) return undefined;
  const path = canonicalPath(row.path);
  if (!path.ok) return undefined;
  try {
    return { path: path.path, tags: normalizeTags(row.tags, 'tags'), notes: checkNotes(row.notes, 'notes'), star: starSchema.parse(row.star), flag: flagSchema.parse(row.flag) };
  } catch {
    return undefined;
  }
}
