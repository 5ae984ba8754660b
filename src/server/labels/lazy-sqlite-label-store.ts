import { existsSync } from 'node:fs';
import type { Sidecar } from '../../protocol/items.js';
import { defaultSidecar } from './label-model.js';
import {
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
  type WriteUnit,
} from './label-store.js';
import { SqliteLabelStore } from './sqlite-label-store.js';

/**
 * A SqliteLabelStore that does not exist until the first write: browsing a folder must not create
 * `.lenslet/` (the workspace is made lazily). Until then it reads as an empty store; `prepare`
 * creates the folder just before the database is first opened.
 */
export class LazySqliteLabelStore implements LabelStore {
  readonly kind = 'sqlite' as const;
  readonly persistent = true;
  private inner: SqliteLabelStore | null = null;
  private readonly watchers = new Set<{ onChange: () => void; stop: () => void }>();
  private closed = false;

  constructor(
    readonly location: string,
    private readonly options: LabelStoreOptions = {},
    private readonly prepare: () => void = () => {},
  ) {
    if (existsSync(location)) this.inner = new SqliteLabelStore(location, options);
  }

  /** True once the database file is open. */
  get opened(): boolean {
    return this.inner !== null;
  }

  async get(path: string): Promise<Sidecar> {
    return this.current()?.get(path) ?? defaultSidecar(path);
  }

  async getMany(paths: readonly string[]): Promise<Sidecar[]> {
    return this.current()?.getMany(paths) ?? paths.map(defaultSidecar);
  }

  async *exportUnder(prefix: string): AsyncIterable<Sidecar> {
    const inner = this.current();
    if (inner) yield* inner.exportUnder(prefix);
  }

  exportPage(prefix: string, after: string, limit: number): Sidecar[] {
    return this.current()?.exportPage(prefix, after, limit) ?? [];
  }

  async seedDefaults(rows: readonly LabelSeedRow[], stamp: { updated_at: string; updated_by: string }): Promise<{ inserted: string[] }> {
    // Only seeds that exist make this a write: a table without label columns creates nothing.
    if (rows.length === 0) {
      if (this.closed) throw new Error('label store is closed');
      return { inserted: [] };
    }
    return this.open().seedDefaults(rows, stamp);
  }

  async commit(units: readonly WriteUnit[], nowMs: number): Promise<UnitOutcome[]> {
    return this.open().commit(units, nowMs);
  }

  async move(moves: readonly LabelMove[], stamp: { updated_at: string; updated_by: string }): Promise<MoveResult[]> {
    // No database means no labels to carry: creating the file here would be a write for nothing.
    const inner = this.current();
    if (inner) return inner.move(moves, stamp);
    return moves.map(() => ({ status: 'skipped', reason: 'unlabeled' }));
  }

  async changesSince(afterId: number, limit: number): Promise<ChangesSince> {
    const inner = this.current();
    if (inner) return inner.changesSince(afterId, limit);
    return { events: [], reset: afterId > 0 };
  }

  async currentEventId(): Promise<number> {
    return this.current()?.currentEventId() ?? 0;
  }

  async history(path: string, limit: number): Promise<StoredEvent[]> {
    return this.current()?.history(path, limit) ?? [];
  }

  async getIdempotency(key: string, nowMs: number): Promise<LabelIdempotencyRecord | undefined> {
    return this.current()?.getIdempotency(key, nowMs);
  }

  async pruneIdempotency(nowMs: number): Promise<number> {
    return this.current()?.pruneIdempotency(nowMs) ?? 0;
  }

  watchExternal(onChange: () => void): () => void {
    const entry = { onChange, stop: () => {} };
    this.watchers.add(entry);
    if (this.inner) entry.stop = this.inner.watchExternal(onChange);
    else {
      // Another process may create the database first (a second server, `lenslet import`).
      const timer = setInterval(() => {
        if (this.inner) return;
        if (!existsSync(this.location)) return;
        try {
          this.open();
        } catch (error) {
          // Still being created by the other process: try again on the next tick.
          console.error('opening the shared labels database failed; retrying', error);
          return;
        }
        onChange();
      }, this.options.externalPollMs ?? DEFAULT_STORE_OPTIONS.externalPollMs);
      timer.unref();
      entry.stop = () => clearInterval(timer);
    }
    return () => {
      entry.stop();
      this.watchers.delete(entry);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.watchers) w.stop();
    this.watchers.clear();
    await this.inner?.close();
  }

  private current(): SqliteLabelStore | null {
    if (this.closed) throw new Error('label store is closed');
    return this.inner;
  }

  private open(): SqliteLabelStore {
    if (this.closed) throw new Error('label store is closed');
    if (!this.inner) {
      this.prepare();
      this.inner = new SqliteLabelStore(this.location, this.options);
      for (const w of this.watchers) {
        w.stop();
        w.stop = this.inner.watchExternal(w.onChange);
      }
    }
    return this.inner;
  }
}
