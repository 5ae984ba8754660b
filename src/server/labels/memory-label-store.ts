import type { Sidecar } from '../../protocol/items.js';
import { isWithin } from '../../protocol/paths.js';
import { IdempotencyMemory } from '../lib/idempotency.js';
import { cloneSidecar, defaultSidecar, planWrite, seededSidecar } from './label-model.js';
import { planMoves, traceHistory, type MoveLog } from './label-moves.js';
import { outcomeOf, type WriteOutcome } from './write-outcome.js';
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

/** Labels in process memory, for `--no-write`: same rules as SQLite, gone on exit. */
export class MemoryLabelStore implements LabelStore {
  readonly kind = 'memory' as const;
  readonly persistent = false;
  readonly location = null;

  private readonly options: Required<LabelStoreOptions>;
  private readonly labels = new Map<string, Sidecar>();
  private events: StoredEvent[] = [];
  /** For each `item-moved` event: the path it came from and the first event id of its call. */
  private moveMarks = new Map<number, { from: string; batch: number }>();
  private lastEventId = 0;
  private compactedThrough = 0;
  private readonly idempotency: IdempotencyMemory<WriteOutcome>;
  private closed = false;

  /**
   * `startAfterEventId`: ids begin above it, and positions at or below it reset. A memory store
   * started later gets a higher start, so a client holding an id from an earlier process
   * is told to resync instead of being served another history under the same ids.
   */
  constructor(options: LabelStoreOptions & { startAfterEventId?: number } = {}) {
    const { startAfterEventId = 0, ...rest } = options;
    this.options = { ...DEFAULT_STORE_OPTIONS, ...rest };
    this.lastEventId = startAfterEventId;
    this.compactedThrough = startAfterEventId;
    this.idempotency = new IdempotencyMemory({ ttlMs: this.options.idempotencyTtlMs, maxEntries: this.options.idempotencyMaxEntries });
  }

  async get(path: string): Promise<Sidecar> {
    this.assertOpen();
    const s = this.labels.get(path);
    return s ? cloneSidecar(s) : defaultSidecar(path);
  }

  async getMany(paths: readonly string[]): Promise<Sidecar[]> {
    this.assertOpen();
    return paths.map((p) => {
      const s = this.labels.get(p);
      return s ? cloneSidecar(s) : defaultSidecar(p);
    });
  }

  async *exportUnder(prefix: string): AsyncIterable<Sidecar> {
    this.assertOpen();
    const paths = [...this.labels.keys()].filter((p) => isWithin(p, prefix)).sort(comparePaths);
    for (const p of paths) {
      const s = this.labels.get(p);
      if (s) yield cloneSidecar(s);
    }
  }

  async seedDefaults(rows: readonly LabelSeedRow[], stamp: { updated_at: string; updated_by: string }): Promise<{ inserted: string[] }> {
    this.assertOpen();
    const inserted: string[] = [];
    for (const row of rows) {
      if (this.labels.has(row.path)) continue;
      this.labels.set(row.path, seededSidecar(row, stamp));
      inserted.push(row.path);
    }
    return { inserted };
  }

  async move(moves: readonly LabelMove[], stamp: { updated_at: string; updated_by: string }): Promise<MoveResult[]> {
    this.assertOpen();
    const plans = planMoves(moves, (p) => this.labels.get(p), stamp);
    const batch = this.lastEventId + 1;
    for (const plan of plans) if (plan.status === 'moved') this.labels.delete(plan.from);
    const results = plans.map((plan): MoveResult => {
      if (plan.status === 'skipped') return plan;
      this.labels.set(plan.next.path, plan.next);
      const event: StoredEvent = { id: ++this.lastEventId, ...plan.event };
      this.events.push(event);
      this.moveMarks.set(event.id, { from: plan.from, batch });
      return { status: 'moved', sidecar: cloneSidecar(plan.next), event: structuredClone(event) };
    });
    this.compact();
    return results;
  }

  async commit(units: readonly WriteUnit[], nowMs: number): Promise<UnitOutcome[]> {
    this.assertOpen();
    // Synchronous from here to the end: nothing can interleave, which is this store's transaction.
    const outcomes: UnitOutcome[] = [];
    for (const unit of units) {
      const idem = unit.idempotency;
      if (idem) {
        const existing = this.idempotency.get(idem.key, nowMs);
        if (existing) {
          outcomes.push({ kind: 'replayed', record: structuredClone(existing) });
          continue;
        }
      }
      const results: WriteResult[] = unit.writes.map((w) => {
        const current = this.labels.get(w.path) ?? defaultSidecar(w.path);
        const plan = planWrite(current, w);
        if (!plan.ok) return { status: 'conflict', current: cloneSidecar(current) };
        this.labels.set(w.path, plan.next);
        const event: StoredEvent = { id: ++this.lastEventId, ...plan.event };
        this.events.push(event);
        return { status: 'applied', sidecar: cloneSidecar(plan.next), event: structuredClone(event) };
      });
      if (idem) {
        const outcome = outcomeOf(idem.shape, results);
        this.idempotency.set({ key: idem.key, fingerprint: idem.fingerprint, outcome: structuredClone(outcome), created_at_ms: nowMs });
        outcomes.push({ kind: 'committed', results, outcome });
      } else {
        outcomes.push({ kind: 'committed', results });
      }
    }
    this.compact();
    return outcomes;
  }

  async changesSince(afterId: number, limit: number): Promise<ChangesSince> {
    this.assertOpen();
    if (afterId > this.lastEventId || afterId < this.compactedThrough) return { events: [], reset: true };
    const start = this.events.findIndex((e) => e.id > afterId);
    if (start < 0) return { events: [], reset: false };
    return { events: this.events.slice(start, start + limit).map((e) => structuredClone(e)), reset: false };
  }

  async currentEventId(): Promise<number> {
    this.assertOpen();
    return this.lastEventId;
  }

  async history(path: string, limit: number): Promise<StoredEvent[]> {
    this.assertOpen();
    return traceHistory(this.moveLog(), path, limit).map((e) => structuredClone(e));
  }

  /** Scans the log: the memory store serves `--no-write` sessions, where it stays small. */
  private moveLog(): MoveLog {
    return {
      eventsOf: (path, floor, before, limit) => {
        const out: StoredEvent[] = [];
        for (let i = this.events.length - 1; i >= 0 && out.length < limit; i--) {
          const e = this.events[i]!;
          if (e.id <= floor) break;
          if (e.id < before && e.path === path) out.push(e);
        }
        return out;
      },
      lastMoveOutBatch: (path, before) => {
        let found = 0;
        for (const [id, mark] of this.moveMarks) if (id < before && mark.from === path && id > found) found = id;
        return found ? this.moveMarks.get(found)!.batch : 0;
      },
      batchOf: (id) => this.moveMarks.get(id)?.batch ?? id,
    };
  }

  async getIdempotency(key: string, nowMs: number): Promise<LabelIdempotencyRecord | undefined> {
    this.assertOpen();
    const r = this.idempotency.get(key, nowMs);
    return r ? structuredClone(r) : undefined;
  }

  async pruneIdempotency(nowMs: number): Promise<number> {
    this.assertOpen();
    return this.idempotency.prune(nowMs);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private compact(): void {
    const keep = this.options.eventRetention;
    // Compact in steps so the array is not spliced on every write.
    if (this.events.length < keep + compactionStep(keep)) return;
    const drop = this.events.length - keep;
    this.compactedThrough = this.events[drop - 1]!.id;
    this.events = this.events.slice(drop);
    for (const id of this.moveMarks.keys()) if (id <= this.compactedThrough) this.moveMarks.delete(id);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('label store is closed');
  }
}

/** Code-unit order, the same order SQLite's BINARY collation gives. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
