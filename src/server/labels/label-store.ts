import type { Flag, Sidecar } from '../../protocol/items.js';
import type { ItemMoved, ItemUpdated, MetricsUpdated } from '../../protocol/events.js';
import { IDEMPOTENCY_MAX_ENTRIES, IDEMPOTENCY_TTL_MS, type IdempotencyRecord } from '../lib/idempotency.js';
import type { OutcomeShape, WriteOutcome } from './write-outcome.js';

/** The user-edited fields of a sidecar. */
export interface LabelFields {
  tags: string[];
  notes: string;
  star: number | null;
  /** Absent: the item keeps its flag (a `PUT /item` from a client older than flags). */
  flag?: Flag;
}

/** Partial update; tags are expected already trimmed and de-duplicated. */
export interface LabelPatch {
  set_star?: number | null;
  set_flag?: Flag;
  set_notes?: string;
  set_tags?: string[];
  add_tags?: string[];
  remove_tags?: string[];
}

/**
 * One change to one item. Writes are compare-and-set: `expected_version` must equal the item's
 * current version (1 for an item never written), or be null for an unconditional write
 * (metrics from a worker, an import).
 */
export interface LabelWrite {
  path: string;
  expected_version: number | null;
  /** Full replacement of tags, notes and star (and the flag when given). */
  labels?: LabelFields;
  /** A partial update applied to the state found inside the transaction (set, then remove, then add). */
  patch?: LabelPatch;
  /** Merged into the item's metrics (named values replace, others stay). */
  metrics?: Record<string, number>;
  /** Replace all metrics instead of merging (import). */
  replace_metrics?: boolean;
  /** Import only: the new version is at least this. */
  min_version?: number;
  updated_at: string;
  updated_by: string;
}

/** What a write changed, as shown by `GET /item/history`. */
export interface LabelChanges {
  star?: { from: number | null; to: number | null };
  flag?: { from: Flag; to: Flag };
  notes?: { from: string; to: string };
  tags?: { added: string[]; removed: string[] };
  metrics?: Record<string, { from: number | null; to: number }>;
  /** An `item-moved` event: the labels came from `from`. */
  moved?: { from: string; to: string };
}

/**
 * A dataset's labels for one item (a table's `tags`, `star`, `flag` and `notes`), inserted by
 * `seedDefaults` as the item's base state. Tags are expected already normalised.
 */
export interface LabelSeedRow {
  path: string;
  tags: string[];
  notes: string;
  star: number | null;
  flag: Flag;
}

export type DurableEventType = 'item-updated' | 'metrics-updated' | 'item-moved';

/** A row of the durable event log: what SSE replays from. An `item-moved` row's path is its `to`. */
export interface StoredEvent {
  id: number;
  type: DurableEventType;
  path: string;
  data: ItemUpdated | MetricsUpdated | ItemMoved;
  changes: LabelChanges;
}

/** One item whose file moved: its labels go from `from` to `to` (see `LabelStore.move`). */
export interface LabelMove {
  from: string;
  to: string;
}

export type MoveResult =
  | { status: 'moved'; sidecar: Sidecar; event: StoredEvent }
  /**
   * Nothing moved: `unlabeled` when `from` has no stored row (nothing to carry), `taken` when `to`
   * already has a stored row of its own (its labels are never overwritten).
   */
  | { status: 'skipped'; reason: 'unlabeled' | 'taken' };

export type WriteResult =
  | { status: 'applied'; sidecar: Sidecar; event: StoredEvent }
  | { status: 'conflict'; current: Sidecar };

/** A label write's outcome recorded under its Idempotency-Key. */
export type LabelIdempotencyRecord = IdempotencyRecord<WriteOutcome>;

/**
 * Writes that commit together with an optional idempotency record. The store builds the outcome
 * from `shape` (`outcomeOf`) inside the transaction, so the record commits with the change.
 */
export interface WriteUnit {
  writes: LabelWrite[];
  idempotency?: {
    key: string;
    fingerprint: string;
    shape: OutcomeShape;
  };
}

export type UnitOutcome =
  | { kind: 'committed'; results: WriteResult[]; outcome?: WriteOutcome }
  /** The key was already recorded (by an earlier or concurrent request): nothing was applied. */
  | { kind: 'replayed'; record: LabelIdempotencyRecord };

export interface ChangesSince {
  events: StoredEvent[];
  /** The caller's position is no longer (or never was) in the log: it must refetch. */
  reset: boolean;
}

export interface LabelStoreOptions {
  /** Idempotency records older than this are ignored and pruned. Default 30 minutes. */
  idempotencyTtlMs?: number;
  /** At most this many idempotency records are kept (oldest dropped first). Default 10,000. */
  idempotencyMaxEntries?: number;
  /** At least this many of the newest events are kept. Default 100,000. */
  eventRetention?: number;
  /** How often a shared store checks for commits by other processes. Default 1 s. */
  externalPollMs?: number;
}

export const DEFAULT_STORE_OPTIONS: Required<LabelStoreOptions> = {
  idempotencyTtlMs: IDEMPOTENCY_TTL_MS,
  idempotencyMaxEntries: IDEMPOTENCY_MAX_ENTRIES,
  eventRetention: 100_000,
  externalPollMs: 1000,
};

/** How many events past the retention size trigger a compaction (10% of it, 1 to 2,000). */
export function compactionStep(retention: number): number {
  return Math.max(1, Math.min(2000, Math.ceil(retention / 10)));
}

/**
 * Durable, versioned labels and their event log. Async because a PostgreSQL implementation
 * (several servers, one database) must fit behind it unchanged. Stores know nothing of HTTP or SSE.
 * Rules: src/server/labels/SPEC.md.
 */
export interface LabelStore {
  readonly kind: 'sqlite' | 'memory' | 'postgres';
  readonly persistent: boolean;
  /** The database file, or null for memory. */
  readonly location: string | null;

  /** The stored sidecar, or the default one (version 1, no labels) for an item never written. */
  get(path: string): Promise<Sidecar>;
  getMany(paths: readonly string[]): Promise<Sidecar[]>;
  /** Every written item whose path is `prefix` or lies below it, in path order, read page by page. */
  exportUnder(prefix: string): AsyncIterable<Sidecar>;

  /**
   * Inserts each row as its item's base state (version 1, no metrics, stamped `stamp`) where the
   * store has no row for that path, in one transaction, appending no event (SPEC LS16). Returns
   * the paths it inserted; an empty `rows` does nothing (a lazy store stays uncreated).
   */
  seedDefaults(rows: readonly LabelSeedRow[], stamp: { updated_at: string; updated_by: string }): Promise<{ inserted: string[] }>;

  /**
   * Moves labels, metrics and version along with files, all in one transaction (SPEC LS20–LS24):
   * for each move whose `from` has a stored row and whose `to` has none, the row goes to `to` with
   * version + 1 and `stamp`, `from` has no row afterwards, and one `item-moved` event (path `to`,
   * changes `{ moved: { from, to } }`) is appended. Moves are applied as one permutation: the rows
   * of every `from` are taken out before any `to` is checked, so `a→b, b→a` swaps. One result per
   * move, in order.
   */
  move(moves: readonly LabelMove[], stamp: { updated_at: string; updated_by: string }): Promise<MoveResult[]>;

  /** Applies the units in one transaction, in order; resolves only after the commit. */
  commit(units: readonly WriteUnit[], nowMs: number): Promise<UnitOutcome[]>;

  /** Events with id > afterId, oldest first, at most `limit`. */
  changesSince(afterId: number, limit: number): Promise<ChangesSince>;
  currentEventId(): Promise<number>;
  /**
   * The newest events for one item, newest first: its path's own, and past each `item-moved` to
   * it, those of the path it came from (written before that move), and so on back (SPEC LS23).
   */
  history(path: string, limit: number): Promise<StoredEvent[]>;

  getIdempotency(key: string, nowMs: number): Promise<LabelIdempotencyRecord | undefined>;
  /** Drops expired records and the oldest beyond the cap; returns how many were dropped. */
  pruneIdempotency(nowMs: number): Promise<number>;

  /**
   * Shared stores only (several processes on one database): calls `onChange` after another
   * process commits, so the caller can read `changesSince` its last event. `head`, when given, is
   * the last event id of that commit: a caller already past it has nothing to read. Returns a
   * stop function.
   */
  watchExternal?(onChange: (head?: number) => void): () => void;

  /**
   * Shared stores only: other processes' events (afterId, through] when the store already holds
   * every one of them (PostgreSQL: the last commit returned those committed before it), so the
   * caller can publish them ahead of that commit's own without a query; else undefined.
   */
  recentEvents?(afterId: number, through: number): StoredEvent[] | undefined;

  /** Stores on a database server (PostgreSQL): whether the last call reached it, for /health. */
  connectionState?(): 'connected' | 'unavailable';

  close(): Promise<void>;
}
