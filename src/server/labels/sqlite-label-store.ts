import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { sqlite } from '../lib/sqlite.js';
import type { Flag, Sidecar } from '../../protocol/items.js';
import { defaultSidecar, planWrite } from './label-model.js';
import { planMoves, traceHistory, type MoveLog } from './label-moves.js';
import {
  compactionStep,
  DEFAULT_STORE_OPTIONS,
  type ChangesSince,
  type LabelIdempotencyRecord,
  type LabelMove,
  type LabelSeedRow,
  type LabelStore,
  type LabelStoreOptions,
  type MoveResult,
  type StoredEvent,
  type UnitOutcome,
  type WriteResult,
  type WriteUnit,
} from './label-store.js';
import { checkLabelsFile, createLabelsFile, labelsDbFailure } from './labels-db-file.js';
import { SQLITE_MIGRATIONS } from './migrations/sqlite-migrations.js';
import { outcomeOf, type WriteOutcome } from './write-outcome.js';

/** A `labels` row as SQLite returns it (also read by `copy-labels-to-postgres.ts`). */
export interface LabelRow {
  path: string;
  tags: string;
  notes: string;
  star: number | null;
  flag: Flag;
  metrics: string;
  version: number;
  updated_at: string;
  updated_by: string;
}
interface EventRow {
  id: number;
  type: StoredEvent['type'];
  path: string;
  data: string;
  changes: string;
}
interface IdempotencyRow {
  key: string;
  fingerprint: string;
  outcome: string;
  created_at_ms: number;
}

const EXPORT_PAGE = 500;
const TTL_PRUNE_EVERY_MS = 60_000;

/**
 * Labels in `<workspace>/labels.sqlite`: WAL with synchronous=FULL, so a commit that returned is on
 * disk. Every write is an IMMEDIATE transaction (another process, such as `lenslet import`, may share
 * the file). All methods are synchronous underneath; the async interface is for PostgreSQL's sake.
 */
export class SqliteLabelStore implements LabelStore {
  readonly kind = 'sqlite' as const;
  readonly persistent = true;
  readonly location: string;

  private readonly db: Database.Database;
  private readonly options: Required<LabelStoreOptions>;
  private readonly stmt;
  private readonly commitTx: Database.Transaction<(units: readonly WriteUnit[], nowMs: number) => UnitOutcome[]>;
  private readonly seedTx: Database.Transaction<(rows: readonly LabelSeedRow[], at: string, by: string) => string[]>;
  private readonly moveTx: Database.Transaction<(moves: readonly LabelMove[], stamp: { updated_at: string; updated_by: string }) => MoveResult[]>;
  private readonly moveLog: MoveLog;
  private lastTtlPruneMs = -Infinity;
  private readonly watchers = new Set<NodeJS.Timeout>();

  constructor(file: string, options: LabelStoreOptions = {}) {
    this.location = file;
    this.options = { ...DEFAULT_STORE_OPTIONS, ...options };
    // Never created in place, and refused when empty or damaged: labels-db-file.ts says why.
    if (!existsSync(file)) createLabelsFile(file);
    checkLabelsFile(file);
    this.db = new (sqlite())(file, { fileMustExist: true });
    try {
      // First: another process may be creating or migrating the same file right now.
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      // The log's index and the labels are written at random places: keep their pages in memory
      // (32 MB instead of 2 MB) so a commit does not re-read them from the OS.
      this.db.pragma('cache_size = -32768');
      this.migrate();
    } catch (error) {
      this.db.close();
      throw labelsDbFailure(file, error) ?? error;
    }
    const db = this.db;
    this.stmt = {
      getLabel: db.prepare<[string], LabelRow>('SELECT * FROM labels WHERE path = ?'),
      upsertLabel: db.prepare(
        `INSERT INTO labels (path, tags, notes, star, flag, metrics, version, updated_at, updated_by)
         VALUES (@path, @tags, @notes, @star, @flag, @metrics, @version, @updated_at, @updated_by)
         ON CONFLICT (path) DO UPDATE SET tags = excluded.tags, notes = excluded.notes, star = excluded.star,
           flag = excluded.flag, metrics = excluded.metrics, version = excluded.version, updated_at = excluded.updated_at,
           updated_by = excluded.updated_by`,
      ),
      // A seed never replaces a row: an item written before (labels or metrics) keeps its state.
      seedLabel: db.prepare(
        `INSERT INTO labels (path, tags, notes, star, flag, metrics, version, updated_at, updated_by)
         VALUES (?, ?, ?, ?, ?, '{}', 1, ?, ?) ON CONFLICT (path) DO NOTHING`,
      ),
      insertEvent: db.prepare('INSERT INTO events (type, path, data, changes) VALUES (?, ?, ?, ?)'),
      exportAll: db.prepare<[string, number], LabelRow>('SELECT * FROM labels WHERE path > ? ORDER BY path LIMIT ?'),
      exportRange: db.prepare<[string, string, string, string, number], LabelRow>(
        // `prefix || '0'` is the first string past every `prefix/...` ('0' follows '/').
        'SELECT * FROM labels WHERE path > ? AND (path = ? OR (path > ? AND path < ?)) ORDER BY path LIMIT ?',
      ),
      eventsAfter: db.prepare<[number, number], EventRow>('SELECT id, type, path, data, changes FROM events WHERE id > ? ORDER BY id LIMIT ?'),
      deleteLabel: db.prepare('DELETE FROM labels WHERE path = ?'),
      insertMoveEvent: db.prepare(
        "INSERT INTO events (type, path, data, changes, moved_from, move_batch) VALUES ('item-moved', ?, ?, ?, ?, ?)",
      ),
      historyRange: db.prepare<[string, number, number, number], EventRow>(
        'SELECT id, type, path, data, changes FROM events WHERE path = ? AND id > ? AND id < ? ORDER BY id DESC LIMIT ?',
      ),
      lastMoveOut: db.prepare<[string, number], { move_batch: number }>(
        'SELECT move_batch FROM events WHERE moved_from = ? AND id < ? ORDER BY id DESC LIMIT 1',
      ),
      moveBatch: db.prepare<[number], { move_batch: number | null }>('SELECT move_batch FROM events WHERE id = ?'),
      lastEventId: db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'events'"),
      // Two subqueries: SQLite answers a lone min() or max() from the index, but scans for both at once.
      eventBounds: db.prepare<[], { lo: number | null; hi: number | null }>(
        'SELECT (SELECT min(id) FROM events) AS lo, (SELECT max(id) FROM events) AS hi',
      ),
      deleteEventsThrough: db.prepare('DELETE FROM events WHERE id <= ?'),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      getIdem: db.prepare<[string], IdempotencyRow>('SELECT * FROM idempotency WHERE key = ?'),
      deleteIdem: db.prepare('DELETE FROM idempotency WHERE key = ?'),
      insertIdem: db.prepare('INSERT INTO idempotency (key, fingerprint, outcome, created_at_ms) VALUES (?, ?, ?, ?)'),
      pruneIdemAge: db.prepare('DELETE FROM idempotency WHERE created_at_ms <= ?'),
      // Rowids grow with insertion, so "all but the newest N" is a rowid range: O(log n), no count(*).
      pruneIdemOldest: db.prepare('DELETE FROM idempotency WHERE rowid <= (SELECT max(rowid) FROM idempotency) - ?'),
    };
    this.commitTx = this.db.transaction((units: readonly WriteUnit[], nowMs: number) => this.commitInTx(units, nowMs));
    this.seedTx = this.db.transaction((rows: readonly LabelSeedRow[], at: string, by: string) => {
      const inserted: string[] = [];
      for (const r of rows) {
        if (this.stmt.seedLabel.run(r.path, JSON.stringify(r.tags), r.notes, r.star, r.flag, at, by).changes > 0) inserted.push(r.path);
      }
      return inserted;
    });
    this.moveTx = this.db.transaction((moves: readonly LabelMove[], stamp: { updated_at: string; updated_by: string }) =>
      this.moveInTx(moves, stamp),
    );
    this.moveLog = {
      eventsOf: (path, floor, before, limit) => this.stmt.historyRange.all(path, floor, before, limit).map(eventFromRow),
      lastMoveOutBatch: (path, before) => this.stmt.lastMoveOut.get(path, before)?.move_batch ?? 0,
      batchOf: (id) => this.stmt.moveBatch.get(id)?.move_batch ?? id,
    };
  }

  async get(path: string): Promise<Sidecar> {
    const row = this.stmt.getLabel.get(path);
    return row ? fromRow(row) : defaultSidecar(path);
  }

  async getMany(paths: readonly string[]): Promise<Sidecar[]> {
    return paths.map((p) => {
      const row = this.stmt.getLabel.get(p);
      return row ? fromRow(row) : defaultSidecar(p);
    });
  }

  async *exportUnder(prefix: string): AsyncIterable<Sidecar> {
    // Keyset pages rather than one open cursor: the connection stays free for writes in between.
    let after = '';
    for (;;) {
      const rows = this.exportPage(prefix, after, EXPORT_PAGE);
      yield* rows;
      if (rows.length < EXPORT_PAGE) return;
      after = rows[rows.length - 1]!.path;
    }
  }

  /** Up to `limit` written items at or below `prefix` whose path sorts after `after`. */
  exportPage(prefix: string, after: string, limit: number): Sidecar[] {
    const rows =
      prefix === '/'
        ? this.stmt.exportAll.all(after, limit)
        : this.stmt.exportRange.all(after, prefix, `${prefix}/`, `${prefix}0`, limit);
    return rows.map(fromRow);
  }

  async seedDefaults(rows: readonly LabelSeedRow[], stamp: { updated_at: string; updated_by: string }): Promise<{ inserted: string[] }> {
    if (rows.length === 0) return { inserted: [] };
    return { inserted: this.seedTx.immediate(rows, stamp.updated_at, stamp.updated_by) };
  }

  async commit(units: readonly WriteUnit[], nowMs: number): Promise<UnitOutcome[]> {
    return this.commitTx.immediate(units, nowMs);
  }

  async move(moves: readonly LabelMove[], stamp: { updated_at: string; updated_by: string }): Promise<MoveResult[]> {
    if (moves.length === 0) return [];
    return this.moveTx.immediate(moves, stamp);
  }

  async changesSince(afterId: number, limit: number): Promise<ChangesSince> {
    const read = this.db.transaction(() => {
      if (afterId > this.lastEventId() || afterId < this.compactedThrough()) return { events: [], reset: true };
      return { events: this.stmt.eventsAfter.all(afterId, limit).map(eventFromRow), reset: false };
    });
    return read();
  }

  async currentEventId(): Promise<number> {
    return this.lastEventId();
  }

  async history(path: string, limit: number): Promise<StoredEvent[]> {
    // One read transaction: a move committed by another process mid-walk must not split the chain.
    return this.db.transaction(() => traceHistory(this.moveLog, path, limit))();
  }

  async getIdempotency(key: string, nowMs: number): Promise<LabelIdempotencyRecord | undefined> {
    const row = this.stmt.getIdem.get(key);
    if (!row || row.created_at_ms + this.options.idempotencyTtlMs <= nowMs) return undefined;
    return idemFromRow(row);
  }

  async pruneIdempotency(nowMs: number): Promise<number> {
    const tx = this.db.transaction(() => this.pruneIdemInTx(nowMs));
    return tx.immediate();
  }

  watchExternal(onChange: () => void): () => void {
    // data_version changes only when another connection (another process) commits.
    let seen = this.db.pragma('data_version', { simple: true }) as number;
    const timer = setInterval(() => {
      if (!this.db.open) return;
      const now = this.db.pragma('data_version', { simple: true }) as number;
      if (now !== seen) {
        seen = now;
        onChange();
      }
    }, this.options.externalPollMs);
    timer.unref();
    this.watchers.add(timer);
    return () => {
      clearInterval(timer);
      this.watchers.delete(timer);
    };
  }

  async close(): Promise<void> {
    for (const timer of this.watchers) clearInterval(timer);
    this.watchers.clear();
    if (this.db.open) this.db.close();
  }

  private commitInTx(units: readonly WriteUnit[], nowMs: number): UnitOutcome[] {
    const outcomes: UnitOutcome[] = [];
    let recorded = false;
    for (const unit of units) {
      const idem = unit.idempotency;
      if (idem) {
        const row = this.stmt.getIdem.get(idem.key);
        if (row && row.created_at_ms + this.options.idempotencyTtlMs > nowMs) {
          outcomes.push({ kind: 'replayed', record: idemFromRow(row) });
          continue;
        }
        if (row) this.stmt.deleteIdem.run(idem.key);
      }
      const results: WriteResult[] = unit.writes.map((w) => {
        const row = this.stmt.getLabel.get(w.path);
        const current = row ? fromRow(row) : defaultSidecar(w.path);
        const plan = planWrite(current, w);
        if (!plan.ok) return { status: 'conflict', current };
        const next = plan.next;
        this.writeRow(next);
        const info = this.stmt.insertEvent.run(
          plan.event.type,
          plan.event.path,
          JSON.stringify(plan.event.data),
          JSON.stringify(plan.event.changes),
        );
        return { status: 'applied', sidecar: next, event: { id: Number(info.lastInsertRowid), ...plan.event } };
      });
      if (idem) {
        const outcome = outcomeOf(idem.shape, results);
        this.stmt.insertIdem.run(idem.key, idem.fingerprint, JSON.stringify(outcome), nowMs);
        recorded = true;
        outcomes.push({ kind: 'committed', results, outcome });
      } else {
        outcomes.push({ kind: 'committed', results });
      }
    }
    this.compactInTx();
    if (recorded) {
      if (nowMs - this.lastTtlPruneMs >= TTL_PRUNE_EVERY_MS) this.pruneIdemInTx(nowMs);
      else this.capIdemInTx();
    }
    return outcomes;
  }

  private writeRow(next: Sidecar): void {
    this.stmt.upsertLabel.run({
      path: next.path,
      tags: JSON.stringify(next.tags),
      notes: next.notes,
      star: next.star,
      flag: next.flag,
      metrics: JSON.stringify(next.metrics),
      version: next.version,
      updated_at: next.updated_at,
      updated_by: next.updated_by,
    });
  }

  private moveInTx(moves: readonly LabelMove[], stamp: { updated_at: string; updated_by: string }): MoveResult[] {
    const rows = new Map<string, Sidecar | undefined>();
    const rowAt = (path: string): Sidecar | undefined => {
      if (!rows.has(path)) {
        const row = this.stmt.getLabel.get(path);
        rows.set(path, row ? fromRow(row) : undefined);
      }
      return rows.get(path);
    };
    const plans = planMoves(moves, rowAt, stamp);
    // Every `from` leaves before any `to` is written: a swap must not hit its own primary key.
    for (const plan of plans) if (plan.status === 'moved') this.stmt.deleteLabel.run(plan.from);
    // AUTOINCREMENT hands out sequence + 1 next, inside this IMMEDIATE transaction.
    const batch = this.lastEventId() + 1;
    let moved = false;
    const results = plans.map((plan): MoveResult => {
      if (plan.status === 'skipped') return plan;
      const next = plan.next;
      this.writeRow(next);
      const { data, changes } = plan.event;
      const info = this.stmt.insertMoveEvent.run(next.path, JSON.stringify(data), JSON.stringify(changes), plan.from, batch);
      moved = true;
      const id = Number(info.lastInsertRowid);
      return { status: 'moved', sidecar: next, event: { id, ...plan.event } };
    });
    if (moved) this.compactInTx();
    return results;
  }

  private pruneIdemInTx(nowMs: number): number {
    this.lastTtlPruneMs = nowMs;
    const aged = this.stmt.pruneIdemAge.run(nowMs - this.options.idempotencyTtlMs).changes;
    return aged + this.capIdemInTx();
  }

  private capIdemInTx(): number {
    return this.stmt.pruneIdemOldest.run(this.options.idempotencyMaxEntries).changes;
  }

  private compactInTx(): void {
    const { lo, hi } = this.stmt.eventBounds.get()!;
    if (lo === null || hi === null) return;
    const keep = this.options.eventRetention;
    // Compact in steps (10% of the log, at most 2,000 events): not a DELETE on every commit, and
    // no single commit that stalls on deleting tens of thousands of rows.
    if (hi - lo + 1 < keep + compactionStep(keep)) return;
    const through = hi - keep;
    this.stmt.deleteEventsThrough.run(through);
    this.stmt.setMeta.run('compacted_through', String(through));
  }

  private lastEventId(): number {
    return this.stmt.lastEventId.get()?.seq ?? 0;
  }

  private compactedThrough(): number {
    return Number(this.stmt.getMeta.get('compacted_through')?.value ?? 0);
  }

  private migrate(): void {
    // One step per IMMEDIATE transaction, re-reading the version inside it: another process
    // opening the same new file at the same moment must not run a step twice.
    for (;;) {
      const finished = this.db
        .transaction(() => {
          const applied = this.db.pragma('user_version', { simple: true }) as number;
          if (applied > SQLITE_MIGRATIONS.length) {
            throw new Error(`${this.location} has schema version ${applied}, newer than this Lenslet (${SQLITE_MIGRATIONS.length})`);
          }
          if (applied === SQLITE_MIGRATIONS.length) return true;
          this.db.exec(SQLITE_MIGRATIONS[applied]!);
          this.db.pragma(`user_version = ${applied + 1}`);
          return false;
        })
        .immediate();
      if (finished) return;
    }
  }

}

function fromRow(row: LabelRow): Sidecar {
  return {
    path: row.path,
    tags: JSON.parse(row.tags) as string[],
    notes: row.notes,
    star: row.star,
    flag: row.flag,
    metrics: JSON.parse(row.metrics) as Record<string, number>,
    version: row.version,
    updated_at: row.updated_at,
    updated_by: row.updated_by,
  };
}

function eventFromRow(row: EventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    path: row.path,
    data: JSON.parse(row.data) as StoredEvent['data'],
    changes: JSON.parse(row.changes) as StoredEvent['changes'],
  };
}

function idemFromRow(row: IdempotencyRow): LabelIdempotencyRecord {
  return {
    key: row.key,
    fingerprint: row.fingerprint,
    outcome: JSON.parse(row.outcome) as WriteOutcome,
    created_at_ms: row.created_at_ms,
  };
}
