import type pg from 'pg';
import type { Sidecar } from '../../protocol/items.js';
import type { PgConnection, PgState } from '../postgres/pg-connection.js';
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
import { PG_LABEL_MIGRATIONS } from './migrations/pg-label-migrations.js';
import {
  eventFromRow,
  fromRow,
  idemFromRow,
  stmt,
  WriteBatch,
  type CommitPlannedRow,
  type CommitReadRow,
  type EventRow,
  type IdempotencyRow,
  type LabelRow,
} from './postgres-label-sql.js';
import { PostgresRowCache } from './postgres-row-cache.js';
import { outcomeOf } from './write-outcome.js';

/** The channel every server LISTENs on; payload `<dataset key>:<last event id>`. */
export const LABEL_EVENTS_CHANNEL = 'lenslet_events';

const EXPORT_PAGE = 500;
const TTL_PRUNE_EVERY_MS = 60_000;

interface Locked {
  lastEventId: number;
  compactedThrough: number;
  idemSeq: number;
}
type Stamp = { updated_at: string; updated_by: string };

/** What a commit read: current rows and keys, and what `lenslet_label_commit` compares under the lock. */
interface CommitRead {
  paths: string[];
  current: Map<string, Sidecar>;
  recorded: Map<string, LabelIdempotencyRecord>;
  seenRows: Map<string, { version: number; xmin: string }>;
  seenSeqs: Map<string, number>;
}

/** Optimistic commits tried before one that locks first (each retry: another server changed a row it read). */
const OPTIMISTIC_ATTEMPTS = 3;

/**
 * Labels of one dataset in PostgreSQL, shared by any number of servers (SPEC LS1–LS24, LV7).
 * Every writing transaction first locks the dataset's clock row (`lenslet_datasets`): writers of
 * one dataset take turns until COMMIT, so the version checks, the idempotency check and the event
 * append are atomic across servers, and event ids become visible strictly in id order (a reader
 * that saw N never later finds an event below N). READ COMMITTED is enough: each statement after
 * the lock sees every earlier writer's commit. The connection belongs to the caller: `close`
 * stops this store's watchers, not the pool other components share.
 */
export class PostgresLabelStore implements LabelStore {
  readonly kind = 'postgres' as const;
  readonly persistent = true;
  readonly location: string;

  private readonly options: Required<LabelStoreOptions>;
  private lastTtlPruneMs = -Infinity;
  /** Payloads of this store's own commits, so their NOTIFY does not wake a catch-up for nothing. */
  private readonly ownNotifies = new Set<string>();
  private readonly stops = new Set<() => void>();
  private readonly cache = new PostgresRowCache();
  /**
   * The newest event id this store has handed out or read: a commit asks for other writers'
   * events after it (`gap`), which its caller then publishes without a query (`recentEvents`).
   */
  private knownThrough = 0;
  /** Other writers' events the last commit returned: all of (after, through]. */
  private gap: { after: number; through: number; events: StoredEvent[] } | null = null;

  private constructor(
    private readonly db: PgConnection,
    options: LabelStoreOptions,
  ) {
    this.location = db.location;
    this.options = { ...DEFAULT_STORE_OPTIONS, ...options };
  }

  /** Migrates the labels schema (safe when servers start at once) and opens the dataset's labels. */
  static async open(db: PgConnection, options: LabelStoreOptions = {}): Promise<PostgresLabelStore> {
    await db.migrate('labels', PG_LABEL_MIGRATIONS);
    await db.query(stmt('ensureState', [db.dataset]));
    return new PostgresLabelStore(db, options);
  }

  connectionState(): PgState {
    return this.db.state;
  }

  async get(path: string): Promise<Sidecar> {
    const { rows } = await this.db.query<LabelRow>(stmt('getLabel', [this.db.dataset, path]));
    return rows[0] ? fromRow(rows[0]) : defaultSidecar(path);
  }

  async getMany(paths: readonly string[]): Promise<Sidecar[]> {
    if (paths.length === 0) return [];
    const { rows } = await this.db.query<LabelRow>(stmt('getLabels', [this.db.dataset, [...new Set(paths)]]));
    const byPath = new Map(rows.map((r) => [r.path, r]));
    return paths.map((p) => {
      const row = byPath.get(p);
      return row ? fromRow(row) : defaultSidecar(p);
    });
  }

  async *exportUnder(prefix: string): AsyncIterable<Sidecar> {
    // Keyset pages, not a cursor: no connection is held while the caller consumes a page.
    let after = '';
    for (;;) {
      const d = this.db.dataset;
      const query =
        prefix === '/'
          ? stmt('exportAll', [d, after, EXPORT_PAGE])
          : stmt('exportRange', [d, after, prefix, `${prefix}/`, `${prefix}0`, EXPORT_PAGE]);
      const { rows } = await this.db.query<LabelRow>(query);
      yield* rows.map(fromRow);
      if (rows.length < EXPORT_PAGE) return;
      after = rows[rows.length - 1]!.path;
    }
  }

  async seedDefaults(rows: readonly LabelSeedRow[], stamp: Stamp): Promise<{ inserted: string[] }> {
    if (rows.length === 0) return { inserted: [] };
    // A path given twice takes its first row.
    const firsts = new Map<string, LabelSeedRow>();
    for (const r of rows) if (!firsts.has(r.path)) firsts.set(r.path, r);
    const unique = [...firsts.values()];
    const inserted = await this.db.tx(async (client) => {
      // The writer's lock: a commit that read "no row" must not be overtaken by a seed before it writes.
      await this.lock(client);
      const values = [
        this.db.dataset,
        unique.map((r) => r.path),
        unique.map((r) => JSON.stringify(r.tags)),
        unique.map((r) => r.notes),
        unique.map((r) => r.star),
        unique.map((r) => r.flag),
        stamp.updated_at,
        stamp.updated_by,
      ];
      const result = await client.query<{ path: string }>(stmt('seed', values));
      return new Set(result.rows.map((r) => r.path));
    });
    return { inserted: unique.filter((r) => inserted.has(r.path)).map((r) => r.path) };
  }

  /**
   * Optimistic first: the rows and keys are read without the lock (or taken from the rows this
   * server last read or wrote, keys assumed unrecorded), the commit planned from them, and
   * `lenslet_label_commit` applies it in one autocommit statement only if nothing it was planned
   * from has changed (else nothing is written, and it reads and plans again). The dataset's lock
   * is then held for one statement and the WAL flush, not for four round trips. A commit that
   * keeps meeting other servers' writes to its rows falls back to lock, read, write, COMMIT.
   */
  async commit(units: readonly WriteUnit[], nowMs: number): Promise<UnitOutcome[]> {
    if (units.length === 0) return [];
    for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      const outcomes = await this.commitPlanned(units, nowMs, attempt === 0);
      if (outcomes) return outcomes;
    }
    return this.commitLocked(units, nowMs);
  }

  /**
   * Other writers' events (afterId, through] when the last commit returned every one of them, so
   * the caller can publish them before that commit's own without a query; else undefined.
   */
  recentEvents(afterId: number, through: number): StoredEvent[] | undefined {
    const gap = this.gap;
    if (!gap || gap.after > afterId || gap.through < through) return undefined;
    const events = gap.events.filter((e) => e.id > afterId && e.id <= through);
    // Ids have no gaps (LP2): anything else means these are not all of them.
    return events.length === Math.max(0, through - afterId) ? events : undefined;
  }

  /** One optimistic attempt; undefined when a row or key it was planned from changed before the lock. */
  private async commitPlanned(units: readonly WriteUnit[], nowMs: number, fromCache: boolean): Promise<UnitOutcome[] | undefined> {
    const held = fromCache ? this.readFromCache(units) : undefined;
    const read = held ?? (await this.readForCommit((q) => this.db.query<CommitReadRow>(q), units));
    // Ids and seqs are planned from 0: the statement adds the clock and idem_seq it finds.
    const { outcomes, batch } = this.plan(units, nowMs, read, 0, 0);
    if (batch.rows.size === 0 && batch.idems.length === 0) {
      // Conflicts without a key, nothing to write: no statement will check the rows, so only an
      // answer from a read (one committed state) may go out, not one from rows held in memory.
      return held ? this.commitPlanned(units, nowMs, false) : outcomes;
    }
    const pruneBefore = batch.idems.length && nowMs - this.lastTtlPruneMs >= TTL_PRUNE_EVERY_MS ? nowMs - this.options.idempotencyTtlMs : null;
    const keep = this.options.eventRetention;
    const seen = read.paths.map((p) => read.seenRows.get(p));
    const seenKeys = batch.idems.map((i) => i.key);
    const values = [
      this.db.dataset,
      read.paths,
      seen.map((r) => r?.version ?? null),
      seen.map((r) => r?.xmin ?? null),
      seenKeys,
      seenKeys.map((k) => read.seenSeqs.get(k) ?? null),
      ...batch.plannedValues(),
      this.options.idempotencyMaxEntries,
      keep,
      compactionStep(keep),
      pruneBefore,
      this.knownThrough,
    ];
    const known = this.knownThrough;
    const { rows } = await this.db.query<CommitPlannedRow>(stmt('commitPlanned', values));
    const base = rows[0];
    if (!base) {
      // Someone wrote a row it was planned from: the next attempt reads them.
      this.cache.drop(read.paths);
      return undefined;
    }
    if (pruneBefore !== null) this.lastTtlPruneMs = nowMs;
    const baseId = Number(base.base_event_id);
    this.holdGap(known, baseId, base.gap);
    for (const row of batch.rows.values()) this.cache.set(row, base.xact);
    // The events in `outcomes` are these objects: they take their committed ids here.
    for (const e of batch.events) e.event.id += baseId;
    const last = batch.events.at(-1);
    if (last) {
      this.knownThrough = Math.max(this.knownThrough, last.event.id);
      this.rememberOwn(`${this.db.dataset}:${last.event.id}`);
    }
    return outcomes;
  }

  /** Keeps the other writers' events a commit returned, and forgets cached rows they changed. */
  private holdGap(after: number, through: number, gap: CommitPlannedRow['gap']): void {
    if (after > through || (gap === null && after < through)) {
      this.gap = null;
      return;
    }
    const events = (gap ?? []).map(([id, type, path, data, changes]): StoredEvent => ({ id, type, path, data, changes }));
    for (const e of events) this.cache.forgetChangedBy(e);
    this.gap = { after, through, events };
  }

  /** The commit's rows from memory, keys taken as unrecorded; undefined unless every row is held. */
  private readFromCache(units: readonly WriteUnit[]): CommitRead | undefined {
    const paths = [...new Set(units.flatMap((u) => u.writes.map((w) => w.path)))];
    const held = this.cache.getAll(paths);
    if (!held) return undefined;
    const read: CommitRead = { paths, current: new Map(), recorded: new Map(), seenRows: new Map(), seenSeqs: new Map() };
    for (const [path, { sidecar, xmin }] of held) {
      read.current.set(path, sidecar);
      read.seenRows.set(path, { version: sidecar.version, xmin });
    }
    return read;
  }

  /** Lock, read, write, COMMIT in one transaction (LP2): always succeeds against other writers. */
  private async commitLocked(units: readonly WriteUnit[], nowMs: number): Promise<UnitOutcome[]> {
    const { outcomes, payload } = await this.db.tx(async (client) => {
      const locked = await this.lock(client);
      const read = await this.readForCommit((q) => client.query<CommitReadRow>(q), units);
      const { outcomes, batch, lastId, idemSeq } = this.plan(units, nowMs, read, locked.lastEventId, locked.idemSeq);
      const payload = await this.writeBatch(client, batch, lastId, idemSeq);
      await this.compact(client, locked, lastId);
      // The cap (LS14) went with the write; the age limit (LS13) is checked once a minute.
      if (batch.idems.length && nowMs - this.lastTtlPruneMs >= TTL_PRUNE_EVERY_MS) await this.pruneIdemInTx(client, nowMs, idemSeq);
      return { outcomes, payload };
    });
    // Written here without learning the transaction's id: read again before planning from them.
    this.cache.drop(units.flatMap((u) => u.writes.map((w) => w.path)));
    this.rememberOwn(payload);
    return outcomes;
  }

  /** The rows a commit touches and the keys it carries, in one round trip. */
  private async readForCommit(query: (q: pg.QueryConfig) => Promise<pg.QueryResult<CommitReadRow>>, units: readonly WriteUnit[]): Promise<CommitRead> {
    const paths = [...new Set(units.flatMap((u) => u.writes.map((w) => w.path)))];
    const keys = [...new Set(units.flatMap((u) => (u.idempotency ? [u.idempotency.key] : [])))];
    const read: CommitRead = { paths, current: new Map(), recorded: new Map(), seenRows: new Map(), seenSeqs: new Map() };
    const found = await query(stmt('readForCommit', [this.db.dataset, paths, keys]));
    for (const { kind, key, v } of found.rows) {
      if (kind === 'label') {
        const [tags, notes, star, flag, metrics, version, updated_at, updated_by, xmin] = v;
        const sidecar = { path: key, tags, notes, star, flag, metrics, version, updated_at, updated_by };
        read.current.set(key, sidecar);
        read.seenRows.set(key, { version, xmin });
        this.cache.set(sidecar, xmin);
      } else {
        read.recorded.set(key, { key, fingerprint: v[0], outcome: v[1], created_at_ms: v[2] });
        read.seenSeqs.set(key, v[3]);
      }
    }
    return read;
  }

  /** Applies the units to what was read, in order (LS6): outcomes, and the batch to write. */
  private plan(units: readonly WriteUnit[], nowMs: number, read: CommitRead, lastEventId: number, lastIdemSeq: number) {
    const { current, recorded } = read;
    const batch = new WriteBatch();
    let lastId = lastEventId;
    let idemSeq = lastIdemSeq;
    const outcomes = units.map((unit): UnitOutcome => {
      const idem = unit.idempotency;
      if (idem) {
        const record = recorded.get(idem.key);
        // A live key, recorded by any server (or earlier in this commit): nothing is applied.
        if (record && record.created_at_ms + this.options.idempotencyTtlMs > nowMs) return { kind: 'replayed', record };
      }
      const results = unit.writes.map((w): WriteResult => {
        const before = current.get(w.path) ?? defaultSidecar(w.path);
        const plan = planWrite(before, w);
        if (!plan.ok) return { status: 'conflict', current: before };
        const event = { id: ++lastId, ...plan.event };
        current.set(w.path, plan.next);
        batch.rows.set(w.path, plan.next);
        batch.events.push({ event, movedFrom: null, moveBatch: null });
        return { status: 'applied', sidecar: plan.next, event };
      });
      if (!idem) return { kind: 'committed', results };
      const outcome = outcomeOf(idem.shape, results);
      recorded.set(idem.key, { key: idem.key, fingerprint: idem.fingerprint, outcome, created_at_ms: nowMs });
      batch.idems.push({ key: idem.key, fingerprint: idem.fingerprint, outcome, createdAtMs: nowMs, seq: ++idemSeq });
      return { kind: 'committed', results, outcome };
    });
    return { outcomes, batch, lastId, idemSeq };
  }

  async move(moves: readonly LabelMove[], stamp: Stamp): Promise<MoveResult[]> {
    if (moves.length === 0) return [];
    const touched = moves.flatMap((m) => [m.from, m.to]);
    this.cache.drop(touched);
    const { results, payload } = await this.db.tx(async (client) => {
      const locked = await this.lock(client);
      const rows = await this.readRows(client, [...new Set(moves.flatMap((m) => [m.from, m.to]))]);
      const plans = planMoves(moves, (path) => rows.get(path), stamp);
      const froms = plans.flatMap((p) => (p.status === 'moved' ? [p.from] : []));
      if (froms.length === 0) return { results: plans.map((p) => p as MoveResult), payload: null };
      // Every `from` leaves before any `to` is written: a swap must not meet its own primary key.
      await client.query(stmt('deleteLabels', [this.db.dataset, froms]));
      const batch = new WriteBatch();
      const moveBatch = locked.lastEventId + 1;
      let lastId = locked.lastEventId;
      const results = plans.map((plan): MoveResult => {
        if (plan.status === 'skipped') return plan;
        const event = { id: ++lastId, ...plan.event };
        batch.rows.set(plan.next.path, plan.next);
        batch.events.push({ event, movedFrom: plan.from, moveBatch });
        return { status: 'moved', sidecar: plan.next, event };
      });
      const payload = await this.writeBatch(client, batch, lastId, locked.idemSeq);
      await this.compact(client, locked, lastId);
      return { results, payload };
    });
    this.cache.drop(touched);
    this.rememberOwn(payload);
    return results;
  }

  async changesSince(afterId: number, limit: number): Promise<ChangesSince> {
    const { rows } = await this.db.query<Partial<EventRow> & { last_event_id: string; compacted_through: string }>(
      stmt('changesSince', [this.db.dataset, afterId, limit]),
    );
    const head = rows[0];
    if (!head) throw new Error(`dataset ${this.db.datasetId} has no labels state`);
    const headId = Number(head.last_event_id);
    if (afterId > headId || afterId < Number(head.compacted_through)) return { events: [], reset: true };
    const events = rows.filter((r) => r.id != null).map((r) => eventFromRow(r as EventRow));
    for (const e of events) this.cache.forgetChangedBy(e);
    this.knownThrough = Math.max(this.knownThrough, events.length < limit ? headId : events.at(-1)!.id);
    return { events, reset: false };
  }

  async currentEventId(): Promise<number> {
    const { rows } = await this.db.query<{ last_event_id: string }>(stmt('head', [this.db.dataset]));
    return Number(rows[0]?.last_event_id ?? 0);
  }

  async history(path: string, limit: number): Promise<StoredEvent[]> {
    // One snapshot for the whole walk: a move committed by another server mid-walk must not
    // split the chain. `traceHistory` is synchronous (SQLite answers it in-process), so it runs
    // over what has been fetched; on the first thing missing it stops, that is fetched, and it
    // runs again. Each run asks the same questions in the same order, so this ends after one
    // run per distinct question (a few per move in the chain).
    return this.db.tx(async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const answers = new Map<string, unknown>();
      for (;;) {
        const missing: { key: string; fetch: () => Promise<unknown> }[] = [];
        const ask = <T>(key: string, fetch: () => Promise<T>): T => {
          if (answers.has(key)) return answers.get(key) as T;
          missing.push({ key, fetch });
          throw MISSING;
        };
        const log = this.moveLog(client, ask);
        try {
          return traceHistory(log, path, limit);
        } catch (error) {
          if (error !== MISSING) throw error;
          const { key, fetch } = missing[0]!;
          answers.set(key, await fetch());
        }
      }
    });
  }

  async getIdempotency(key: string, nowMs: number): Promise<LabelIdempotencyRecord | undefined> {
    const { rows } = await this.db.query<IdempotencyRow>(stmt('getIdem', [this.db.dataset, key]));
    const record = rows[0] ? idemFromRow(rows[0]) : undefined;
    if (!record || record.created_at_ms + this.options.idempotencyTtlMs <= nowMs) return undefined;
    return record;
  }

  async pruneIdempotency(nowMs: number): Promise<number> {
    return this.db.tx(async (client) => {
      const { rows } = await client.query<{ idem_seq: string }>(stmt('idemSeq', [this.db.dataset]));
      return this.pruneIdemInTx(client, nowMs, Number(rows[0]?.idem_seq ?? 0));
    });
  }

  /**
   * Calls `onChange` when another server may have committed: on its NOTIFY (this dataset's only,
   * and not for this store's own commits), after the LISTEN connection came back (notifications
   * may have been missed meanwhile), and when a poll of the clock every `externalPollMs` finds it
   * moved (a safety net). The service reads `changesSince` its last id and publishes each event
   * once (LV7), so an extra call costs a query, never a duplicate.
   */
  watchExternal(onChange: (head?: number) => void): () => void {
    let stopped = false;
    let seenHead = -1;
    const prefix = `${this.db.dataset}:`;
    let unlisten: (() => Promise<void>) | undefined;
    this.db
      .listen(
        LABEL_EVENTS_CHANNEL,
        (payload) => {
          if (stopped || !payload.startsWith(prefix)) return;
          if (this.ownNotifies.delete(payload)) return;
          onChange(Number(payload.slice(prefix.length)));
        },
        () => {
          if (!stopped) onChange();
        },
      )
      .then(
        (stop) => {
          if (stopped) {
            void stop();
            return;
          }
          unlisten = stop;
          // Commits made between the caller's position and LISTEN taking effect sent notifications
          // nobody heard: look once now that every later one will be heard.
          onChange();
        },
        // listen() retries a failed first connection itself; should it still fail, the poll below notices commits.
        () => undefined,
      );
    const poll = setInterval(() => {
      this.currentEventId().then(
        (head) => {
          if (stopped) return;
          if (seenHead >= 0 && head !== seenHead) onChange();
          seenHead = head;
        },
        () => undefined,
      );
    }, this.options.externalPollMs);
    poll.unref();
    const stop = () => {
      stopped = true;
      clearInterval(poll);
      void unlisten?.();
      this.stops.delete(stop);
    };
    this.stops.add(stop);
    return stop;
  }

  async close(): Promise<void> {
    for (const stop of [...this.stops]) stop();
  }

  private async lock(client: pg.PoolClient): Promise<Locked> {
    const { rows } = await client.query<{ last_event_id: string; compacted_through: string; idem_seq: string }>(stmt('lock', [this.db.dataset]));
    const row = rows[0];
    if (!row) throw new Error(`dataset ${this.db.datasetId} has no labels state`);
    return { lastEventId: Number(row.last_event_id), compactedThrough: Number(row.compacted_through), idemSeq: Number(row.idem_seq) };
  }

  private async readRows(client: pg.PoolClient, paths: string[]): Promise<Map<string, Sidecar>> {
    const { rows } = await client.query<LabelRow>(stmt('getLabels', [this.db.dataset, paths]));
    return new Map(rows.map((r) => [r.path, fromRow(r)]));
  }

  /** Writes the batch; returns the NOTIFY payload sent with it (null when no event was appended). */
  private async writeBatch(client: pg.PoolClient, batch: WriteBatch, lastId: number, idemSeq: number): Promise<string | null> {
    if (batch.rows.size === 0 && batch.events.length === 0 && batch.idems.length === 0) return null;
    const payload = batch.events.length ? `${this.db.dataset}:${lastId}` : null;
    const cap = batch.idems.length ? idemSeq - this.options.idempotencyMaxEntries : 0;
    await client.query(stmt('write', batch.values(this.db.dataset, lastId, idemSeq, cap, payload)));
    return payload;
  }

  /**
   * Noted after COMMIT only: a rolled-back transaction's ids are handed out again, and its payload
   * must not hide another server's commit. If the NOTIFY arrived first, the entry just stays
   * (a committed id is never reused, so it hides nothing).
   */
  private rememberOwn(payload: string | null): void {
    if (payload === null || this.stops.size === 0) return;
    this.ownNotifies.add(payload);
    // Bounded: a notification lost with a dropped LISTEN connection would otherwise stay forever.
    if (this.ownNotifies.size > 1000) this.ownNotifies.delete(this.ownNotifies.values().next().value!);
  }

  private async compact(client: pg.PoolClient, locked: Locked, lastId: number): Promise<void> {
    const keep = this.options.eventRetention;
    // In steps (10% of the log, at most 2,000 events), as SQLite: not a DELETE on every commit.
    if (lastId - locked.compactedThrough < keep + compactionStep(keep)) return;
    const through = lastId - keep;
    await client.query(stmt('compact', [this.db.dataset, through]));
    await client.query(stmt('setCompacted', [this.db.dataset, through]));
  }

  private async pruneIdemInTx(client: pg.PoolClient, nowMs: number, idemSeq: number): Promise<number> {
    this.lastTtlPruneMs = nowMs;
    let dropped = (await client.query(stmt('pruneIdemAge', [this.db.dataset, nowMs - this.options.idempotencyTtlMs]))).rowCount ?? 0;
    const cap = idemSeq - this.options.idempotencyMaxEntries;
    if (cap > 0) dropped += (await client.query(stmt('pruneIdemSeq', [this.db.dataset, cap]))).rowCount ?? 0;
    return dropped;
  }

  private moveLog(client: pg.PoolClient, ask: <T>(key: string, fetch: () => Promise<T>) => T): MoveLog {
    const d = this.db.dataset;
    return {
      eventsOf: (path, floor, before, limit) =>
        ask(`e\0${path}\0${floor}\0${before}\0${limit}`, async () =>
          (await client.query<EventRow>(stmt('historyRange', [d, path, floor, before, limit]))).rows.map(eventFromRow),
        ),
      lastMoveOutBatch: (path, before) =>
        ask(`o\0${path}\0${before}`, async () => {
          const { rows } = await client.query<{ move_batch: string }>(stmt('lastMoveOut', [d, path, before]));
          return Number(rows[0]?.move_batch ?? 0);
        }),
      batchOf: (id) =>
        ask(`b\0${id}`, async () => {
          const { rows } = await client.query<{ move_batch: string | null }>(stmt('moveBatch', [d, id]));
          return rows[0]?.move_batch == null ? id : Number(rows[0].move_batch);
        }),
    };
  }
}

/** Thrown inside `traceHistory` when an answer has not been fetched yet (see `history`). */
const MISSING = new Error('history walk: answer not fetched yet');
