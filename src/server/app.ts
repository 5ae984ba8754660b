import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { isWithin } from '../protocol/paths.js';
import { installAccess, type AccessParts } from './app-access.js';
import { openLabelParts, registerLabelRoutesOf, type LabelParts, type LabelPartsOptions } from './app-labels.js';
import type { Catalog } from './catalog/catalog.js';
import type { DatasetSource } from './datasets/dataset-source.js';
import { startTableSeeds, type TableSeeding } from './datasets/parquet-seeds.js';
import { ChangeFeed } from './events/change-feed.js';
import { resolveAccess, type ResolvedAccess } from './http/auth/access-options.js';
import { applyConnectionCap, connectionOptions, type ConnectionLimits } from './http/connection-limits.js';
import { installErrorHandler } from './http/error-handler.js';
import { lazySchemaCompilers } from './http/lazy-schema-compilers.js';
import { DuplicatesService } from './duplicates/duplicates-service.js';
import { PerceptualHashes } from './duplicates/perceptual-hashes.js';
import { PhashStore } from './duplicates/phash-store.js';
import { registerDuplicatesRoutes } from './http/duplicates-routes.js';
import { registerComparisonRoutes } from './http/comparison-routes.js';
import { registerFileRoutes } from './http/file-routes.js';
import { registerFolderRoutes } from './http/folder-routes.js';
import type { HostPolicy } from './http/guards/host-policy.js';
import { registerBoundaryGuards } from './http/guards/request-guards.js';
import { registerHealthRoutes } from './http/health-routes.js';
import { ItemLookup } from './http/item-lookup.js';
import { registerMetadataRoutes } from './http/metadata-routes.js';
import { registerOgRoutes } from './http/og-routes.js';
import { registerQueryRoutes } from './http/query-routes.js';
import { installRateLimits, RateLimiter, type RateLimitOptions } from './http/rate-limit.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { registerPreviewRoutes } from './http/preview-routes.js';
import { registerThumbRoutes } from './http/thumb-routes.js';
import { registerViewsRoutes } from './http/views-routes.js';
import { registerWebRoutes } from './http/web-routes.js';
import { identityStrategyFor } from './identity/identity-for-source.js';
import { LivingDataset } from './identity/living-dataset.js';
import { openLabelStore, type SqliteThread } from './labels/create-label-store.js';
import { labelsDbFailure } from './labels/labels-db-file.js';
import { NO_LABELS, type LabelLookup } from './labels/label-lookup.js';
import type { LabelStore, LabelStoreOptions } from './labels/label-store.js';
import { QueryEngine } from './query/query-engine.js';
import { ListingService } from './query/listing-service.js';
import { RenditionService, type RenditionOptions } from './media/rendition-service.js';
import { ThumbnailService, type ThumbnailOptions } from './media/thumbnail-service.js';
import { hashImage } from './media/thumbnailer.js';
import type { PgConnection } from './postgres/pg-connection.js';
import { openStore, type StoreOptions } from './postgres/store-options.js';
import { registerProgressRoutes } from './http/progress-routes.js';
import { ProgressService } from './progress/progress-service.js';
import { SqliteDocumentBackend } from './progress/sqlite-document-backend.js';
import { ViewsStore } from './views/views-store.js';
import { EmbeddingService } from './embeddings/embedding-service.js';
import { SqliteEmbeddingStore } from './embeddings/sqlite-embedding-store.js';
import { registerEmbeddingRoutes } from './http/embedding-routes.js';
import type { Workspace } from './workspace.js';

/** The built web app, relative to both src/server (tsx) and dist/server (built). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** Durable labels, SSE events and presence. */
export interface LabelOptions extends LabelPartsOptions {
  storeOptions?: LabelStoreOptions;
  /** Where SQLite runs (default `main`). */
  sqliteThread?: SqliteThread;
}

export interface AppOptions {
  source: DatasetSource;
  workspace: Workspace;
  readOnly: boolean;
  /** The names the server answers to (421 otherwise); state-changing requests must come from them. */
  hosts: HostPolicy;
  thumbnails: ThumbnailOptions;
  /** Screen-sized renditions (`GET /preview`). Default: cached where thumbnails are, 64 MB in memory, one per core. */
  renditions?: RenditionOptions;
  /** SQLite in a writable workspace, else memory; false: no labels, events or presence. */
  labels: LabelOptions | false;
  /** With `labels: false`, the labels listings, search and queries show. */
  labelLookup?: LabelLookup;
  /** `GET /og-image` and og:/twitter: meta tags on the index page. */
  ogPreview: boolean;
  /** Watch the folder (or table file) and apply changes as they happen (issue 16). Default false here; the CLI turns it on. */
  watch?: boolean;
  /** Where lines for the operator go (the watcher falling back to rescans). Default: stderr. */
  log?: (line: string) => void;
  /** Folder of the built web app; null serves no web app. */
  webDir?: string | null;
  logger?: FastifyServerOptions['logger'];
  /** Timeouts and the connection cap (defaults in http/connection-limits.ts). */
  connections?: ConnectionLimits;
  /** Per-client rate limits (defaults in http/rate-limit.ts); false: none, e.g. for a throughput bench. */
  rateLimits?: RateLimitOptions | false;
  /** Who may do what (issue 10). Default: `local` (no sign-in, for a loopback address). */
  access?: ResolvedAccess;
  /**
   * Labels, events, accounts, smart folders and presence in PostgreSQL, shared by every server on
   * the same dataset (issue 11); the workspace then only holds thumbnails and caches. Default: SQLite.
   */
  store?: StoreOptions;
}

/** Everything the composition root built, for callers that drive the server from inside (tests, benchmarks). */
export interface AppServices {
  source: DatasetSource;
  workspace: Workspace;
  feed: ChangeFeed;
  /** Null with `labels: false`. */
  labels: LabelParts | null;
  views: ViewsStore;
  query: QueryEngine;
  listing: ListingService;
  thumbnails: ThumbnailService;
  /** A table's label columns being seeded into the label store; null for folders or without labels. */
  seeding: TableSeeding | null;
  /** Moves, additions and rewrites under the running server (issue 16); `start` it once the source has started. */
  living: LivingDataset;
  /** Access mode and the account service. */
  access: AccessParts;
  /** The one PostgreSQL connection every store shares (`store`); null on SQLite. */
  db: PgConnection | null;
  /** Team progress, settings and assignments (issue 14); null with `labels: false`. */
  progress: ProgressService | null;
  /** Perceptual hashes for near-duplicates (issue 13), computed once the initial moves are applied. */
  phashes: PerceptualHashes;
  duplicates: DuplicatesService;
  /** Embeddings and "Find similar" (issue 13). */
  embeddings: EmbeddingService;
}

/** The composition root: every service, in dependency order, then the routes that use them. */
export async function buildApp(options: AppOptions): Promise<{ app: FastifyInstance; services: AppServices }> {
  const { source, workspace, readOnly } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    // Open SSE streams would otherwise keep close() waiting forever.
    forceCloseConnections: true,
    schemaController: lazySchemaCompilers,
    ...connectionOptions(options.connections),
  });
  applyConnectionCap(app, options.connections);
  installErrorHandler(app);
  // The boundary comes before every route: headers on every answer, then Host and cross-site checks.
  registerSecurityHeaders(app);
  const resolvedAccess = options.access ?? resolveAccess('127.0.0.1');
  registerBoundaryGuards(app, options.hosts, resolvedAccess.corsOrigin ? [resolvedAccess.corsOrigin] : []);
  const catalog = source.catalog;
  const writable = !readOnly && workspace.persistent;
  // ONE pool for every store; its hook is added first, so it runs last: after every store closed.
  const db = options.store ? await openStore(options.store) : null;
  if (db) app.addHook('onClose', () => db.close());
  const closeDb = async (error: unknown): Promise<never> => {
    await db?.close();
    throw error;
  };
  // Before every route: its onRoute hook checks each one has an access rule.
  // The PostgreSQL implementations load only with `--store` (here, in labels/, views/ and presence).
  const accountStore = db ? await import('./accounts/postgres-account-store.js').then((m) => m.PostgresAccountStore.open(db)).catch(closeDb) : undefined;
  const access = await installAccess(app, resolvedAccess, {
    store: accountStore,
    file: writable ? workspace.accountsDbPath : null,
    ensureDir: () => workspace.ensure(),
  }).catch(closeDb);
  app.addHook('onClose', () => access.close());
  // After the boundary and the access check: a request refused there costs no client a token, and
  // a signed-in client's bucket is its own whatever client id it sends.
  if (options.rateLimits !== false) installRateLimits(app, new RateLimiter(options.rateLimits));

  const itemExists = (path: string) => catalog.idOf(path) !== undefined;
  const feed = new ChangeFeed();
  const sync = options.labels === false ? null : options.labels;
  const failed = async (error: unknown): Promise<never> => {
    await access.close();
    return closeDb(error);
  };
  const store = sync
    ? await openLabelStore(db ? { postgres: db } : { file: writable ? workspace.labelsDbPath : null, thread: sync.sqliteThread }, sync.storeOptions).catch(failed)
    : null;
  const labels =
    store && sync
      ? await openLabelParts(store, feed, itemExists, { ...sync, postgres: db ?? undefined })
          .catch(failedToOpen(store))
          .catch(failed)
      : null;
  if (labels) access.guardStreams(labels.hub);
  const service = labels?.service;
  const lookup = service ?? options.labelLookup ?? NO_LABELS;
  const views = await ViewsStore.open({
    file: writable ? workspace.viewsPath : null,
    legacyFile: workspace.legacyViewsPath,
    publish: (event) => feed.publish({ id: null, ...event }),
    postgres: db ?? undefined,
  }).catch(async (error: unknown) => {
    await labels?.close();
    return failed(error);
  });
  // The label service's revision is a cache stamp for what queries derive from labels; a fixed lookup has none.
  // One listing engine behind /folders, /query and /search (src/server/query/SPEC.md).
  const query = new QueryEngine({
    catalog,
    labels: lookup,
    labelRevision: service ? () => service.revision : undefined,
    labelWatch: service ? (changed) => service.listen({ changed: (path) => changed(path), cleared: () => changed(undefined) }) : undefined,
    indexing: () => source.progress().state === 'running',
  });
  const progress = service
    ? await openProgress({
        labels: service,
        feed,
        catalog,
        query,
        views,
        db,
        teamFile: writable ? workspace.teamDbPath : null,
        ensureDir: () => workspace.ensure(),
        indexed: () => source.whenIdle().catch(() => undefined),
      }).catch(
        async (error: unknown) => {
          await views.close();
          await labels?.close();
          return failed(error);
        },
      )
    : null;
  const log = options.log ?? ((line: string) => process.stderr.write(`lenslet: ${line}\n`));
  // Attached vectors live beside the labels: the workspace's SQLite file, or PostgreSQL with `--store` (EM8).
  const failedWithProgress = async (error: unknown): Promise<never> => {
    await progress?.close();
    await views.close();
    await labels?.close();
    return failed(error);
  };
  const embeddingStore = db
    ? await import('./embeddings/pg-embedding-store.js').then((m) => m.PgEmbeddingStore.open(db)).catch(failedWithProgress)
    : new SqliteEmbeddingStore(writable ? workspace.embeddingsDbPath : null);
  const embeddings = new EmbeddingService({ catalog, source, query, labels: lookup, store: embeddingStore, indexDir: join(workspace.dir, 'embeddings'), log });
  await embeddings.load().catch(async (error: unknown) => {
    await embeddings.close();
    return failedWithProgress(error);
  });
  const thumbnails = new ThumbnailService(source, workspace, options.thumbnails, app.log);
  const renditions = new RenditionService(
    source,
    workspace,
    options.renditions ?? { diskCache: options.thumbnails.diskCache, memoryBytes: 64 * 1024 * 1024, concurrency: Math.max(1, Math.min(4, availableParallelism())), quality: 82 },
    app.log,
  );
  const listing = new ListingService(catalog, query, lookup);
  const strategy = await identityStrategyFor({ source, labels: lookup, cacheFile: writable ? workspace.identityDbPath : null, enabled: Boolean(options.watch) });
  const living = new LivingDataset({ source, labels: service ?? null, seeds: service ?? null, feed, strategy, watch: Boolean(options.watch), log });
  // The temp workspace of --no-write holds them too (removed on close), like the thumbnails.
  const phashes = new PerceptualHashes({
    source,
    store: new PhashStore(workspace.phashDbPath),
    hash: (absPath) => hashImage(absPath, options.thumbnails),
    busy: () => {
      const t = thumbnails.stats();
      const r = renditions.stats();
      return t.active + t.queued + r.active + r.queued > 0;
    },
  });
  thumbnails.shareDecodesWith(phashes);
  // After indexing and the initial moves, so moved files keep their paths' hashes meanwhile.
  void living.ready.then(() => phashes.start());
  const duplicates = new DuplicatesService({ catalog, hashes: phashes, labels: lookup, embeddings, indexing: () => source.progress().state === 'running' });
  // After the initial moves: a seed must never take the path a moved item's labels are going to.
  const seeding = service ? startTableSeeds(source, service, living.ready) : null;
  embeddings.start();
  // Build the name order as soon as every path is in (a table's numbers may still be decoding on
  // another core meanwhile), the rest once indexing is done (OB5).
  void source.whenPathsIn?.().then(
    () => query.warmNames(),
    () => undefined,
  );
  void source.whenIdle().then(
    () => query.warm(),
    () => undefined,
  );
  app.addHook('onClose', async () => {
    await phashes.close();
    await living.close();
    await seeding?.stop();
    await progress?.close();
    await embeddings.close();
    await labels?.close();
    await views.close?.();
  });

  registerHealthRoutes(app, source, readOnly, service ?? null, phashes, embeddings);
  const items = new ItemLookup(source);
  registerFolderRoutes(app, { listing, source });
  registerFileRoutes(app, source);
  registerThumbRoutes(app, items, thumbnails);
  registerPreviewRoutes(app, items, renditions);
  registerMetadataRoutes(app, source);
  registerComparisonRoutes(app, { source, items, labels: lookup });
  if (labels) await registerLabelRoutesOf(app, labels, feed, (prefix) => pathsUnder(catalog, prefix), items, progress ? () => progress.work.assignees() : undefined);
  if (progress) registerProgressRoutes(app, progress);
  registerQueryRoutes(app, { engine: query, source });
  registerDuplicatesRoutes(app, duplicates);
  registerViewsRoutes(app, views);
  registerEmbeddingRoutes(app, embeddings, source);
  if (options.ogPreview) {
    registerOgRoutes(app, { name: source.name, catalog, thumbnail: async (id) => (await thumbnails.get(id)).body });
  }
  const webDir = options.webDir === undefined ? DEFAULT_WEB_DIR : options.webDir;
  if (webDir) await registerWebRoutes(app, webDir);
  return { app, services: { source, workspace, feed, labels, views, query, listing, thumbnails, seeding, living, access, db, progress, phashes, duplicates, embeddings } };
}

/** Progress over the labels; its settings and assignments in `<workspace>/team.sqlite`, or PostgreSQL with `--store`. */
async function openProgress(options: {
  labels: NonNullable<LabelParts['service']>;
  feed: ChangeFeed;
  catalog: Catalog;
  query: QueryEngine;
  views: ViewsStore;
  db: PgConnection | null;
  teamFile: string | null;
  ensureDir: () => Promise<void>;
  indexed: () => Promise<void>;
}): Promise<ProgressService> {
  const backend = options.db
    ? await (await import('./progress/pg-document-backend.js')).PgDocumentBackend.open(options.db)
    : new SqliteDocumentBackend(options.teamFile, options.ensureDir);
  return ProgressService.open({ ...options, backend });
}

/** Every live image path at or below `prefix` (export with `?all=1`). */
function* pathsUnder(catalog: Catalog, prefix: string): Iterable<string> {
  for (let id = 0; id < catalog.size; id++) {
    const path = catalog.paths[id];
    if (path !== undefined && catalog.alive[id] && isWithin(path, prefix)) yield path;
  }
}

/** Opening the labels read them all: a damaged database is refused with one line (labels-db-file.ts). */
function failedToOpen(store: LabelStore): (error: unknown) => Promise<never> {
  return async (error) => {
    await store.close().catch(() => undefined);
    throw (store.location && labelsDbFailure(store.location, error)) || error;
  };
}
