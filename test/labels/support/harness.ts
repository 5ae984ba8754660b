import Fastify, { type FastifyInstance } from 'fastify';
import { installErrorHandler } from '../../../src/server/http/error-handler.js';
import type { LabelStore, LabelStoreOptions } from '../../../src/server/labels/label-store.js';
import {
  createLabelStore,
  openLabelSystem,
  registerLabelSystemRoutes,
  type LabelSystem,
} from '../../../src/server/labels/label-system.js';

export interface LabelServerOptions {
  /** SQLite file; null (default) for memory. */
  dbPath?: string | null;
  store?: LabelStore;
  storeOptions?: LabelStoreOptions;
  /** Paths that exist; default: every path exists except those under /missing. */
  itemExists?: (path: string) => boolean;
  listItemPaths?: (prefix: string) => Iterable<string>;
  now?: () => number;
  presenceTtlMs?: number;
  presencePruneMs?: number;
  heartbeatMs?: number;
  sseMaxBufferedBytes?: number;
  listen?: boolean;
}

export interface LabelServer {
  app: FastifyInstance;
  system: LabelSystem;
  url: string;
  close(): Promise<void>;
}

/** The label routes on a bare fastify app with the real error handler; the gallery is faked. */
export async function startLabelServer(options: LabelServerOptions = {}): Promise<LabelServer> {
  const app = Fastify({ forceCloseConnections: true });
  installErrorHandler(app);
  const store = options.store ?? createLabelStore(options.dbPath ?? null, options.storeOptions);
  const system = await openLabelSystem({
    store,
    itemExists: options.itemExists ?? ((p) => !p.startsWith('/missing')),
    now: options.now,
    presenceTtlMs: options.presenceTtlMs,
    presencePruneMs: options.presencePruneMs,
    heartbeatMs: options.heartbeatMs,
    sseMaxBufferedBytes: options.sseMaxBufferedBytes,
  });
  await registerLabelSystemRoutes(app, system, options.listItemPaths ?? (() => []));
  let url = '';
  if (options.listen !== false) url = await app.listen({ host: '127.0.0.1', port: 0 });
  else await app.ready();
  return { app, system, url, close: () => app.close() };
}

/** A clock tests move by hand. */
export function manualClock(start = Date.parse('2026-01-23T19:22:05Z')) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}
