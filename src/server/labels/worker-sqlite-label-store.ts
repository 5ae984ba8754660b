import type { Sidecar } from '../../protocol/items.js';
import { serverFile } from '../lib/server-file.js';
import { WorkerThread } from '../lib/worker.js';
import type {
  ChangesSince,
  LabelIdempotencyRecord,
  LabelMove,
  LabelSeedRow,
  LabelStore,
  LabelStoreOptions,
  MoveResult,
  StoredEvent,
  UnitOutcome,
  WriteUnit,
} from './label-store.js';

const EXPORT_PAGE = 500;

const STORE_WORKER = serverFile('labels/sqlite-store-worker.js');

interface StoreCall {
  id: number;
  method: string;
  args: unknown[];
}

type StoreReply = { id?: number; result?: unknown; error?: { message: string; code?: string }; external?: true };

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The SQLite store (lazily created, WAL, synchronous=FULL) run in a worker thread (`sqliteThread:
 * 'worker'`). Same rules and data as SqliteLabelStore; the fsync of each commit no longer blocks
 * the event loop, at the cost of copying writes and results between threads (more CPU per write;
 * on a busy 2-core machine the main-thread store measured faster, so it is the default).
 */
export class WorkerSqliteLabelStore implements LabelStore {
  readonly kind = 'sqlite' as const;
  readonly persistent = true;
  private readonly worker: WorkerThread<StoreCall, StoreReply>;
  private readonly pending = new Map<number, Pending>();
  private readonly externalListeners = new Set<() => void>();
  private nextId = 1;
  private closing: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(
    readonly location: string,
    options: LabelStoreOptions = {},
  ) {
    const fail = (error: Error) => {
      this.failure = error;
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
    };
    this.worker = new WorkerThread<StoreCall, StoreReply>(STORE_WORKER, {
      workerData: { file: location, options },
      onMessage: (message) => {
        if (message.external) {
          for (const listener of this.externalListeners) listener();
          return;
        }
        const call = this.pending.get(message.id!);
        if (!call) return;
        this.pending.delete(message.id!);
        if (this.pending.size === 0) this.worker.keepAlive(false);
        if (message.error) call.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
        else call.resolve(message.result);
      },
      onExit: (failure) => fail(failure ?? new Error('label store worker stopped')),
    });
    this.worker.keepAlive(false); // referenced only while a call is pending
  }

  get(path: string): Promise<Sidecar> {
    return this.call('get', path);
  }

  getMany(paths: readonly string[]): Promise<Sidecar[]> {
    return this.call('getMany', paths);
  }

  async *exportUnder(prefix: string): AsyncIterable<Sidecar> {
    let after = '';
    for (;;) {
      const rows = await this.call<Sidecar[]>('exportPage', prefix, after, EXPORT_PAGE);
      yield* rows;
      if (rows.length < EXPORT_PAGE) return;
      after = rows[rows.length - 1]!.path;
    }
  }

  seedDefaults(rows: readonly LabelSeedRow[], stamp: { updated_at: string; updated_by: string }): Promise<{ inserted: string[] }> {
    return this.call('seedDefaults', rows, stamp);
  }

  commit(units: readonly WriteUnit[], nowMs: number): Promise<UnitOutcome[]> {
    return this.call('commit', units, nowMs);
  }

  move(moves: readonly LabelMove[], stamp: { updated_at: string; updated_by: string }): Promise<MoveResult[]> {
    return this.call('move', moves, stamp);
  }

  changesSince(afterId: number, limit: number): Promise<ChangesSince> {
    return this.call('changesSince', afterId, limit);
  }

  currentEventId(): Promise<number> {
    return this.call('currentEventId');
  }

  history(path: string, limit: number): Promise<StoredEvent[]> {
    return this.call('history', path, limit);
  }

  getIdempotency(key: string, nowMs: number): Promise<LabelIdempotencyRecord | undefined> {
    return this.call('getIdempotency', key, nowMs);
  }

  pruneIdempotency(nowMs: number): Promise<number> {
    return this.call('pruneIdempotency', nowMs);
  }

  watchExternal(onChange: () => void): () => void {
    this.externalListeners.add(onChange);
    if (this.externalListeners.size === 1) void this.call('watch').catch(() => {});
    return () => {
      this.externalListeners.delete(onChange);
      if (this.externalListeners.size === 0 && !this.closing) void this.call('unwatch').catch(() => {});
    };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.externalListeners.clear();
      try {
        if (!this.failure) await this.send('close', []);
      } finally {
        await this.worker.stop();
      }
    })();
    return this.closing;
  }

  private call<T>(method: string, ...args: unknown[]): Promise<T> {
    if (this.closing) return Promise.reject(new Error('label store is closed'));
    return this.send(method, args);
  }

  private send<T>(method: string, args: unknown[]): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.keepAlive(true);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.post({ id, method, args });
    });
  }
}
