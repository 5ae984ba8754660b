/**
 * Worker thread that owns the SQLite connection for WorkerSqliteLabelStore. better-sqlite3 is
 * synchronous: here a commit's fsync blocks only this thread, while the main thread keeps parsing
 * requests (which join the next group commit) and serving SSE.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { LazySqliteLabelStore } from './lazy-sqlite-label-store.js';
import type { LabelStoreOptions } from './label-store.js';

const { file, options } = workerData as { file: string; options: LabelStoreOptions };
const port = parentPort!;
const store = new LazySqliteLabelStore(file, options, () => mkdirSync(dirname(file), { recursive: true }));
let stopWatching: (() => void) | undefined;

// biome-ignore lint/suspicious/noExplicitAny: each handler takes its own store method's arguments
const handlers: Record<string, (...args: any[]) => unknown> = {
  get: (path: string) => store.get(path),
  getMany: (paths: string[]) => store.getMany(paths),
  exportPage: (prefix: string, after: string, limit: number) => store.exportPage(prefix, after, limit),
  seedDefaults: (rows, stamp) => store.seedDefaults(rows, stamp),
  commit: (units, nowMs: number) => store.commit(units, nowMs),
  move: (moves, stamp) => store.move(moves, stamp),
  changesSince: (afterId: number, limit: number) => store.changesSince(afterId, limit),
  currentEventId: () => store.currentEventId(),
  history: (path: string, limit: number) => store.history(path, limit),
  getIdempotency: (key: string, nowMs: number) => store.getIdempotency(key, nowMs),
  pruneIdempotency: (nowMs: number) => store.pruneIdempotency(nowMs),
  watch: () => {
    stopWatching ??= store.watchExternal(() => port.postMessage({ external: true }));
  },
  unwatch: () => {
    stopWatching?.();
    stopWatching = undefined;
  },
  close: () => store.close(),
};

// Messages are handled one at a time, in order: each store call runs to completion synchronously.
port.on('message', (message: { id: number; method: string; args: unknown[] }) => {
  let result: unknown;
  try {
    const handler = handlers[message.method];
    if (!handler) throw new Error(`unknown label store call ${message.method}`);
    result = handler(...message.args);
  } catch (error) {
    port.postMessage({ id: message.id, error: describe(error) });
    return;
  }
  Promise.resolve(result).then(
    (value) => port.postMessage({ id: message.id, result: value }),
    (error: unknown) => port.postMessage({ id: message.id, error: describe(error) }),
  );
});

function describe(error: unknown): { message: string; code?: string } {
  const e = error as { message?: string; code?: string };
  return { message: e?.message ?? String(error), code: e?.code };
}
