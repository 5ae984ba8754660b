import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkLabelsFile } from './labels-db-file.js';
import { LazySqliteLabelStore } from './lazy-sqlite-label-store.js';
import type { LabelStore, LabelStoreOptions } from './label-store.js';
import { MemoryLabelStore } from './memory-label-store.js';
import type { PgConnection } from '../postgres/pg-connection.js';
import { WorkerSqliteLabelStore } from './worker-sqlite-label-store.js';

/**
 * Where SQLite runs: `main` (default) is the cheapest per write; `worker` keeps commits' fsyncs off
 * the event loop but costs more CPU per write (passing writes and results between threads), and
 * measured slower on this 2-core machine. See docs/PERFORMANCE.md, "Labels and sync".
 */
export type SqliteThread = 'worker' | 'main';

/**
 * SQLite at `dbPath` (a writable workspace), created with its folder on the first write only; or
 * memory when `dbPath` is null (`--no-write`).
 */
export function createLabelStore(dbPath: string | null, options: LabelStoreOptions = {}, thread: SqliteThread = 'main'): LabelStore {
  if (dbPath === null) return new MemoryLabelStore({ ...options, startAfterEventId: Date.now() * 1000 });
  // Here, on the main thread, so a worker store is refused at start with the same one line.
  checkLabelsFile(dbPath);
  if (thread === 'worker') return new WorkerSqliteLabelStore(dbPath, options);
  return new LazySqliteLabelStore(dbPath, options, () => mkdirSync(dirname(dbPath), { recursive: true }));
}

/** Where a server's labels live: PostgreSQL shared with other servers (`--store`), else `createLabelStore`'s choice. */
export type LabelStoreTarget = { postgres: PgConnection } | { file: string | null; thread?: SqliteThread };

/** The label store for `target`; PostgreSQL runs its migrations here, so it is async. */
export async function openLabelStore(target: LabelStoreTarget, options: LabelStoreOptions = {}): Promise<LabelStore> {
  if ('postgres' in target) return (await import('./postgres-label-store.js')).PostgresLabelStore.open(target.postgres, options);
  return createLabelStore(target.file, options, target.thread);
}
