import { availableParallelism } from 'node:os';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp, type AppOptions, type AppServices, type LabelOptions } from './app.js';
import type { DatasetSource } from './datasets/dataset-source.js';
import { SERVER_URL_SETTING } from './accounts/account-store.js';
import { resolveAccess, type AccessOptions } from './http/auth/access-options.js';
import { HostPolicy } from './http/guards/host-policy.js';
import type { LabelLookup } from './labels/label-lookup.js';
import type { StoreOptions } from './postgres/store-options.js';
import { resolveWorkspace, type Workspace } from './workspace.js';

export interface ServerOptions {
  /** Folder to serve. Required unless `dataset` is given. */
  root?: string;
  /** A ready-made source and workspace (e.g. a Parquet table) instead of a folder. */
  dataset?: { source: DatasetSource; workspace: Workspace };
  /** Default 7070; 0 picks any free port. */
  port?: number;
  host?: string;
  /**
   * More names the server answers to (`name` on any port, or `name:port`), e.g. a LAN name or a
   * reverse proxy's public name. Loopback names, `host` and, when `host` is every interface
   * (0.0.0.0, ::), the machine's interface addresses always count; any other `Host` gets 421.
   */
  allowedHosts?: readonly string[];
  /** How many ports to try, counting up from `port`, when it is busy. Default 1. */
  portAttempts?: number;
  thumbSize?: number;
  thumbQuality?: number;
  /** Disk thumbnail cache in the workspace. Default true. */
  thumbCache?: boolean;
  thumbConcurrency?: number;
  thumbMemoryBytes?: number;
  /** State goes here instead of `<root>/.lenslet/`. */
  workspaceDir?: string;
  /** Write nothing inside the served folder: state in a temp dir removed on close. */
  noWrite?: boolean;
  /** Durable labels, SSE events and presence: SQLite in the workspace, memory with `noWrite`. false: none. */
  labels?: LabelOptions | false;
  /** With `labels: false`, the labels listings, search and queries show. */
  labelLookup?: LabelLookup;
  /** `GET /og-image` and og:/twitter: meta tags on the index page. */
  ogPreview?: boolean;
  /** Watch the folder (or table file) and apply changes as they happen (issue 16). Default false; the CLI turns it on. */
  watch?: boolean;
  /** Lines for the operator (the watcher falling back to rescans). Default: stderr. */
  log?: (line: string) => void;
  /** Built web app folder; null: none. Default: dist/web of this package. */
  webDir?: string | null;
  logger?: FastifyServerOptions['logger'];
  /** Header, body and idle timeouts and the connection cap; SSE streams are capped by `labels.sse`. */
  connections?: AppOptions['connections'];
  /** Per-client rate limits; false: none. */
  rateLimits?: AppOptions['rateLimits'];
  /** `--access` and its companions; the mode defaults to `local` on a loopback host, `accounts` otherwise. */
  access?: AccessOptions;
  /** `--store` and `--dataset-id`: state in PostgreSQL, shared with every server on that dataset. Default: SQLite in the workspace. */
  store?: StoreOptions;
  /**
   * Called with the built services before the server listens, for a caller that must see
   * everything from the start (e.g. subscribe to the change feed before a table's seeding).
   */
  onBuilt?(services: AppServices): void;
}

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  /** The services the composition root built. */
  services: AppServices;
  source: DatasetSource;
  workspace: Workspace;
  /**
   * Accounts mode with no user yet: the one-time link that creates the first admin (a new one each
   * start, valid 24 h or until used). Null otherwise.
   */
  setupUrl: string | null;
  close(): Promise<void>;
}


/** Opens the dataset, starts listening, then indexes in the background (health answers at once). */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  // Before anything is opened: a bad --allowed-host leaves nothing behind.
  const hosts = new HostPolicy(host, options.allowedHosts);
  const access = resolveAccess(host, options.access);
  const { source, workspace } = options.dataset ?? (await openFolder(options));
  const built = await buildApp({
    source,
    workspace,
    readOnly: Boolean(options.noWrite),
    hosts,
    thumbnails: {
      size: options.thumbSize ?? 256,
      quality: options.thumbQuality ?? 70,
      diskCache: options.thumbCache ?? true,
      memoryBytes: options.thumbMemoryBytes ?? 64 * 1024 * 1024,
      // One pipeline more than cores keeps the CPUs busy while another pipeline waits on file I/O.
      concurrency: options.thumbConcurrency ?? Math.max(1, Math.min(4, availableParallelism())) + 1,
    },
    labels: options.labels ?? {},
    labelLookup: options.labelLookup,
    ogPreview: Boolean(options.ogPreview),
    watch: options.watch,
    log: options.log,
    webDir: options.webDir,
    logger: options.logger,
    connections: options.connections,
    rateLimits: options.rateLimits,
    access,
    store: options.store,
  }).catch(async (error: unknown) => {
    await source.close();
    workspace.dispose();
    throw error;
  });
  const { app, services } = built;
  options.onBuilt?.(services);

  let port: number;
  try {
    port = await listen(app, host, options.port ?? 7070, options.portAttempts ?? 1);
  } catch (error) {
    await app.close();
    await source.close();
    workspace.dispose();
    throw error;
  }
  source.start();
  // Not awaited: setting up a watch over a large tree must not hold back the URL (tests await `services.living.watching`).
  services.living.start();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let setupUrl: string | null = null;
  if (access.mode === 'accounts' || access.mode === 'proxy') {
    const accounts = await services.access.accounts();
    await accounts.store.setSetting(SERVER_URL_SETTING, url);
    const token = access.mode === 'accounts' ? await accounts.issueSetupLink() : null;
    if (token) setupUrl = `${url}/setup?token=${encodeURIComponent(token)}`;
  }
  let closing: Promise<void> | undefined;
  return {
    url,
    setupUrl,
    port,
    app,
    services,
    source,
    workspace,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await source.close();
        workspace.dispose();
      })()),
  };
}

async function openFolder(options: ServerOptions): Promise<{ source: DatasetSource; workspace: Workspace }> {
  if (!options.root) throw new Error('startServer needs `root` or `dataset`');
  const workspace = resolveWorkspace({ kind: 'folder', path: options.root }, { dir: options.workspaceDir, noWrite: options.noWrite });
  try {
    // Loaded here: a table's server never needs the folder scanner and watcher.
    const { FolderSource } = await import('./datasets/folder-source.js');
    return { source: await FolderSource.open(options.root, { skipDirs: [workspace.dir] }), workspace };
  } catch (error) {
    workspace.dispose();
    throw error;
  }
}

async function listen(app: FastifyInstance, host: string, first: number, attempts: number): Promise<number> {
  for (let i = 0; ; i++) {
    const port = first === 0 ? 0 : first + i;
    try {
      await app.listen({ port, host });
      const address = app.server.address();
      return typeof address === 'object' && address ? address.port : port;
    } catch (error) {
      const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!busy || first === 0 || i + 1 >= attempts || port >= 65535) throw error;
    }
  }
}
