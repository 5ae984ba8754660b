import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isWithin } from '../../protocol/paths.js';
import type { AppExtension } from '../app-context.js';
import { ChangeFeed } from '../events/change-feed.js';
import { PresenceTracker } from '../events/presence.js';
import { SseHub } from '../events/sse-hub.js';
import { registerEventRoutes } from '../http/event-routes.js';
import { registerExportRoutes } from '../http/export-routes.js';
import { registerLabelRoutes } from '../http/label-routes.js';
import { registerMetricsRoutes } from '../http/metrics-routes.js';
import { registerPresenceRoutes } from '../http/presence-routes.js';
import { LabelService } from './label-service.js';
import type { LabelStore, LabelStoreOptions } from './label-store.js';
import { MemoryLabelStore } from './memory-label-store.js';
import { LazySqliteLabelStore } from './lazy-sqlite-label-store.js';
import { WorkerSqliteLabelStore } from './worker-sqlite-label-store.js';

export interface LabelSystemOptions {
  /** The store; see `createLabelStore`. */
  store: LabelStore;
  itemExists(path: string): boolean;
  now?: () => number;
  presenceTtlMs?: number;
  /** How often stale presence is pruned. Default 1 s. */
  presencePruneMs?: number;
  heartbeatMs?: number;
  sseMaxBufferedBytes?: number;
}

/** Labels, the change feed, SSE and presence, wired together. */
export interface LabelSystem {
  store: LabelStore;
  service: LabelService;
  feed: ChangeFeed;
  hub: SseHub;
  presence: PresenceTracker;
  close(): Promise<void>;
}

/**
 * SQLite at `dbPath` (a writable workspace), created with its folder on the first write only; or
 * memory when `dbPath` is null (`--no-write`).
 */
export function createLabelStore(dbPath: string | null, options: LabelStoreOptions = {}, thread: SqliteThread = 'main'): LabelStore {
  if (dbPath === null) return new MemoryLabelStore({ ...options, startAfterEventId: Date.now() * 1000 });
  if (thread === 'worker') return new WorkerSqliteLabelStore(dbPath, options);
  return new LazySqliteLabelStore(dbPath, options, () => mkdirSync(dirname(dbPath), { recursive: true }));
}

/**
 * Where SQLite runs: `main` (default) is the cheapest per write; `worker` keeps commits' fsyncs off
 * the event loop but costs more CPU per write (passing writes and results between threads), and
 * measured slower on this 2-core machine. See docs/PERFORMANCE.md, "Labels and sync".
 */
export type SqliteThread = 'worker' | 'main';

export async function openLabelSystem(options: LabelSystemOptions): Promise<LabelSystem> {
  const { store } = options;
  const feed = new ChangeFeed();
  const service = await LabelService.open({ store, feed, itemExists: options.itemExists, now: options.now });
  const hub = await SseHub.create({ log: store, feed, heartbeatMs: options.heartbeatMs, maxBufferedBytes: options.sseMaxBufferedBytes });
  const presence = new PresenceTracker({
    ttlMs: options.presenceTtlMs,
    now: options.now,
    onChange: (counts) => feed.publish({ id: null, type: 'presence', data: counts }),
  });
  const pruner = setInterval(() => presence.prune(), options.presencePruneMs ?? 1000);
  pruner.unref();
  let closing: Promise<void> | undefined;
  return {
    store,
    service,
    feed,
    hub,
    presence,
    close: () =>
      (closing ??= (async () => {
        clearInterval(pruner);
        hub.close();
        await service.close();
      })()),
  };
}

/** Registers every label, event, presence, metrics and export route. */
export async function registerLabelSystemRoutes(
  app: FastifyInstance,
  system: LabelSystem,
  listItemPaths: (prefix: string) => Iterable<string>,
): Promise<void> {
  registerLabelRoutes(app, { labels: system.service });
  registerEventRoutes(app, { hub: system.hub });
  await registerPresenceRoutes(app, { presence: system.presence });
  registerMetricsRoutes(app, { labels: system.service, feed: system.feed });
  registerExportRoutes(app, { labels: system.service, listItemPaths });
  app.addHook('onClose', async () => system.close());
}

export interface LabelsExtensionOptions extends Partial<Omit<LabelSystemOptions, 'store' | 'itemExists'>> {
  storeOptions?: LabelStoreOptions;
  /** Where SQLite runs (default `main`). */
  sqliteThread?: SqliteThread;
  /** Receives the system once built (tests, benchmarks). */
  onReady?(system: LabelSystem): void;
}

/**
 * The app extension: SQLite in the workspace when writable, memory under `--no-write`; listings
 * read the service's projection; `/health` gains `labels`.
 */
export function labelsExtension(options: LabelsExtensionOptions = {}): AppExtension {
  return async (app, ctx) => {
    const dbPath = !ctx.readOnly && ctx.workspace.persistent ? ctx.workspace.labelsDbPath : null;
    const catalog = ctx.source.catalog;
    const system = await openLabelSystem({
      ...options,
      store: createLabelStore(dbPath, options.storeOptions, options.sqliteThread),
      itemExists: (path) => catalog.idOf(path) !== undefined,
    });
    ctx.setLabelLookup(system.service);
    ctx.addHealthFields(() => ({ labels: system.service.health() }));
    await registerLabelSystemRoutes(app, system, (prefix) => listCatalogPaths(catalog, prefix));
    options.onReady?.(system);
  };
}

function* listCatalogPaths(catalog: { size: number; paths: string[]; alive: Uint8Array }, prefix: string): Iterable<string> {
  for (let id = 0; id < catalog.size; id++) {
    const path = catalog.paths[id];
    if (path !== undefined && catalog.alive[id] && isWithin(path, prefix)) yield path;
  }
}
