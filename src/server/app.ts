import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { createContext, type AppContext, type AppExtension } from './app-context.js';
import type { DatasetSource } from './datasets/dataset-source.js';
import { installErrorHandler } from './http/error-handler.js';
import { registerFileRoutes } from './http/file-routes.js';
import { registerFolderRoutes } from './http/folder-routes.js';
import { registerHealthRoutes } from './http/health-routes.js';
import { registerMetadataRoutes } from './http/metadata-routes.js';
import { registerThumbRoutes } from './http/thumb-routes.js';
import { registerWebRoutes } from './http/web-routes.js';
import { NO_LABELS, type LabelLookup } from './labels/label-lookup.js';
import { ListingService } from './services/listing-service.js';
import { ThumbnailService, type ThumbnailOptions } from './services/thumbnail-service.js';
import type { Workspace } from './workspace.js';

/** The built web app, relative to both src/server (tsx) and dist/server (built). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

export interface AppOptions {
  source: DatasetSource;
  workspace: Workspace;
  readOnly: boolean;
  thumbnails: ThumbnailOptions;
  /** Initial labels for listings and search; an extension may replace it via ctx.setLabelLookup. */
  labels?: LabelLookup;
  /** Labels, events, queries…: each registers its services and routes. Run in order. */
  extensions?: AppExtension[];
  /** Folder of the built web app; null serves no web app. */
  webDir?: string | null;
  logger?: FastifyServerOptions['logger'];
}

/** Composition root: services from options, then route modules, then extensions. */
export async function buildApp(options: AppOptions): Promise<{ app: FastifyInstance; ctx: AppContext }> {
  const app = Fastify({
    logger: options.logger ?? false,
    // Open SSE streams would otherwise keep close() waiting forever.
    forceCloseConnections: true,
  });
  installErrorHandler(app);

  const labelsRef = { current: options.labels ?? NO_LABELS };
  const listing = new ListingService(
    options.source.catalog,
    () => labelsRef.current,
    () => options.source.progress().state === 'running',
  );
  const thumbnails = new ThumbnailService(options.source, options.workspace, options.thumbnails, app.log);
  const ctx = createContext({
    source: options.source,
    workspace: options.workspace,
    readOnly: options.readOnly,
    listing,
    thumbnails,
    labelsRef,
  });

  registerHealthRoutes(app, ctx);
  registerFolderRoutes(app, ctx);
  registerFileRoutes(app, ctx);
  registerThumbRoutes(app, ctx);
  registerMetadataRoutes(app, ctx);
  // ── Extensions (labels, events, presence, metrics, queries) register below. ──
  for (const extend of options.extensions ?? []) await extend(app, ctx);
  const webDir = options.webDir === undefined ? DEFAULT_WEB_DIR : options.webDir;
  if (webDir) await registerWebRoutes(app, webDir);
  return { app, ctx };
}
