import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FolderOpenError, TableOpenError } from './datasets/open-errors.js';
import { tableTarget } from './datasets/table-target.js';
import { resolveAccess, type AccessOptions } from './http/auth/access-options.js';
import { isWildcard } from './http/guards/host-names.js';
import { parseAllowedHosts } from './http/guards/host-policy.js';
import { startServer, type RunningServer } from './server.js';
import { startProgressLine } from './progress-line.js';
import { pythonImportOffer } from './labels/python-import/python-import-offer.js';
import { STORE_URL_ENV, StoreOpenError, storeOptionsOf, type StoreOptions } from './postgres/store-options.js';

const HELP = `Usage: lenslet <folder> [options]
       lenslet <table.parquet | folder with items.parquet> [options]

Serve a folder of images as a fast gallery at http://127.0.0.1:7070.
Labels: \`lenslet export <folder> --help\`, \`lenslet import <folder> --help\`.
Accounts: \`lenslet users --help\`, \`lenslet tokens --help\`.
Several servers on one PostgreSQL: \`--store\` below; an existing workspace: \`lenslet migrate --help\`.

Options:
  -p, --port <n>           Port (default 7070; moves on to the next free one when busy)
  -H, --host <addr>        Address to listen on (default 127.0.0.1)
      --allowed-host <h>   Also answer to this host name (repeatable; name or name:port), e.g. a LAN
                           name or a reverse proxy's; other names than loopback and --host get 421
      --access <mode>      Who may use it: local (no sign-in; the default on a loopback --host),
                           accounts (sign-in or API token; the default on any other --host),
                           proxy (a trusted SSO proxy names the user) or open (no sign-in for
                           anyone who can reach it)
      --proxy-user-header <h>   Proxy mode: the header naming the user (default X-Forwarded-User)
      --trusted-proxy <cidr,…>  Addresses whose proxy headers count (default 127.0.0.1/8, ::1)
      --proxy-default-role <r>  Role of a user a proxy names first (default labeler)
      --cors-origin <origin>    Let this one other origin call the API with credentials
      --thumb-size <px>    Thumbnail short edge (default 256)
      --thumb-quality <q>  Thumbnail WebP quality 1-100 (default 70)
      --workspace <dir>    Keep Lenslet's state here instead of <folder>/.lenslet/
      --no-write           Write nothing inside <folder> (state in a temp dir, removed on exit)
      --no-thumb-cache     Don't keep thumbnails on disk
      --og-preview         Social preview image (/og-image) and og:/twitter: tags
      --no-watch           Don't watch the folder (or table file) for changes; POST /refresh still rescans
      --store <url>        Keep labels, events, smart folders, accounts and presence in PostgreSQL
                           (postgres://user@host:5432/db; default: env LENSLET_STORE_URL, else SQLite
                           in the workspace), shared by every server started on the same dataset
      --dataset-id <id>    The dataset's name in that database (default: the folder's name, or the
                           table file's name without .parquet); servers with the same id share it
      --verbose            Log requests

Table mode (a .parquet file, or a folder holding items.parquet):
      --source-column <c>  Column with the image paths/URLs (default: detected)
      --path-column <c>    Column with the path shown in the tree (default: derived)
      --base-dir <dir>     Local image paths are relative to it (default: the table's folder)
      --id-column <c>      Key labels by this column's stable ids, so they survive regenerated tables
                           with other paths (default: a column named id, image_id, uuid or sha256)
      --embedding-column <c>  Serve this column of fixed-length float vectors for "Find similar"
                           (repeatable; default: every such column)
      --allow-private-urls Let http(s) sources reach loopback and private addresses
  -h, --help               Show this help
  -v, --version            Show the version
`;

const PORT_ATTEMPTS = 50;

/** `lenslet …`: resolves with the exit code once the server has shut down (or failed to start). */
export async function main(argv: string[]): Promise<number> {
  // Subcommands load their modules only when named: a server start does not wait on them.
  if (argv[0] === 'export') return (await import('./labels/label-cli.js')).runExportCommand(argv.slice(1));
  if (argv[0] === 'import') return (await import('./labels/label-cli.js')).runImportCommand(argv.slice(1));
  if (argv[0] === 'users') return (await import('./accounts/account-cli.js')).runUsersCommand(argv.slice(1));
  if (argv[0] === 'tokens') return (await import('./accounts/account-cli.js')).runTokensCommand(argv.slice(1));
  if (argv[0] === 'migrate') return (await import('./migrate-cli.js')).runMigrateCommand(argv.slice(1));
  let args: ReturnType<typeof parseMainArgs>;
  try {
    args = parseMainArgs(argv);
  } catch (error) {
    return fail(`${(error as Error).message}\nRun \`lenslet --help\` for usage.`);
  }
  const { values, positionals } = args;
  if (values.help) return print(HELP);
  if (values.version) return print(`${readVersion()}\n`);
  if (positionals.length !== 1) return fail('give exactly one folder to serve. Run `lenslet --help` for usage.');

  let port: number, thumbSize: number, thumbQuality: number;
  let store: StoreOptions | undefined;
  const access: AccessOptions = {
    mode: values.access as AccessOptions['mode'],
    proxyUserHeader: values['proxy-user-header'],
    trustedProxies: values['trusted-proxy'],
    proxyDefaultRole: values['proxy-default-role'] as AccessOptions['proxyDefaultRole'],
    corsOrigin: values['cors-origin'],
  };
  try {
    // Before anything opens: a wrong access choice is one line, not a half-started server.
    resolveAccess(values.host ?? '127.0.0.1', access);
    port = intOption(values.port, 'port', 7070, 0, 65535);
    thumbSize = intOption(values['thumb-size'], 'thumb-size', 256, 16, 2048);
    thumbQuality = intOption(values['thumb-quality'], 'thumb-quality', 70, 1, 100);
    parseAllowedHosts(values['allowed-host'] ?? []);
    store = storeOptionsOf(values.store ?? process.env[STORE_URL_ENV], values['dataset-id'], positionals[0]!);
  } catch (error) {
    return fail((error as Error).message);
  }

  let server: RunningServer;
  const table = tableTarget(positionals[0]!);
  // Only the code of the kind served is loaded, and a table's Parquet code only once the server
  // listens (issue 15): the table is opened after listening, /health answering meanwhile.
  const tables = table ? await import('./datasets/table-mode.js') : undefined;
  let dataset: Awaited<ReturnType<NonNullable<typeof tables>['deferTableDataset']>> | undefined;
  try {
    dataset = table
      ? await tables!.deferTableDataset(table, {
          sourceColumn: values['source-column'],
          pathColumn: values['path-column'],
          baseDir: values['base-dir'],
          idColumn: values['id-column'],
          embeddingColumns: values['embedding-column'],
          allowPrivateUrls: values['allow-private-urls'],
          workspaceDir: values.workspace,
          noWrite: values['no-write'],
        })
      : undefined;
    server = await startServer({
      root: positionals[0]!,
      dataset,
      ogPreview: values['og-preview'],
      watch: !values['no-watch'],
      port,
      host: values.host ?? '127.0.0.1',
      allowedHosts: values['allowed-host'],
      portAttempts: PORT_ATTEMPTS,
      thumbSize,
      thumbQuality,
      thumbCache: !values['no-thumb-cache'],
      workspaceDir: values.workspace,
      noWrite: values['no-write'],
      logger: values.verbose ? { level: 'info' } : { level: 'error' },
      access,
      store,
    });
  } catch (error) {
    if (error instanceof FolderOpenError || error instanceof TableOpenError || error instanceof StoreOpenError) return fail(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') return fail(`no free port in ${port}-${port + PORT_ATTEMPTS - 1}`);
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') return fail(`cannot listen on ${values.host ?? '127.0.0.1'}:${port} (${code})`);
    return fail(error instanceof Error ? error.message : String(error));
  }

  if (server.port !== port && port !== 0) process.stdout.write(`Port ${port} is busy, using ${server.port}.\n`);
  if (values['no-write']) process.stdout.write(`Read-only: nothing is written to the folder; state in ${server.workspace.dir} (removed on exit).\n`);
  process.stdout.write(`Lenslet: ${server.url}\n`);
  if (store) process.stdout.write(`Store: PostgreSQL ${server.services.db?.location ?? ''}, dataset "${store.datasetId}"\n`);
  const offer = await pythonImportOffer(positionals[0]!, server.workspace, server.services.labels?.store ?? null);
  if (offer) process.stdout.write(`${offer}\n`);
  if (server.setupUrl) process.stdout.write(`Setup: ${server.setupUrl}\n(one-time link to create the first admin; valid 24 h, a new one each start until then)\n`);
  if (values.access === 'open') {
    process.stderr.write(`WARNING: --access open: anyone who can reach ${server.url} can see and change everything, with no sign-in.\n`);
  }
  if (values.host !== undefined && isWildcard(values.host)) process.stdout.write('Listening on every interface: open it by IP address, or add --allowed-host <name> for a LAN name.\n');
  const progress = startProgressLine(server.source, process.stdout);
  if (dataset && tables) {
    const { source } = dataset;
    void source.whenIdle().then(() => {
      const report = source.loadReport();
      if (report.error) process.stderr.write(`lenslet: ${report.error}\n`);
      const idLine = tables.idColumnLine(report);
      if (idLine) process.stdout.write(`${idLine}\n`);
      if (report.skipped > 0) process.stderr.write(`lenslet: skipped ${report.skipped} of ${report.rows} rows (e.g. row ${report.examples[0]?.row}: ${report.examples[0]?.reason})\n`);
    });
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string, code = 0) => {
      if (stopping) return;
      stopping = true;
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      progress.stop();
      if (values.verbose) process.stdout.write(`\n${signal}: shutting down\n`);
      server.close().then(
        () => resolve(code),
        (error: unknown) => resolve(fail(`shutdown failed: ${(error as Error).message}`)),
      );
    };
    const onInt = () => shutdown('SIGINT');
    const onTerm = () => shutdown('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    // A table that turns out unreadable once the server listens (not Parquet, a wrong column): the
    // same one line as before listening, and a non-zero exit.
    dataset?.source.opened.catch((error: unknown) => {
      if (stopping) return;
      shutdown('open failed', fail(error instanceof Error ? error.message : String(error)));
    });
  });
}

function parseMainArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string', short: 'H' },
      'allowed-host': { type: 'string', multiple: true },
      access: { type: 'string' },
      'proxy-user-header': { type: 'string' },
      'trusted-proxy': { type: 'string', multiple: true },
      'proxy-default-role': { type: 'string' },
      'cors-origin': { type: 'string' },
      'thumb-size': { type: 'string' },
      'thumb-quality': { type: 'string' },
      workspace: { type: 'string' },
      'no-write': { type: 'boolean' },
      'no-thumb-cache': { type: 'boolean' },
      verbose: { type: 'boolean' },
      'og-preview': { type: 'boolean' },
      'no-watch': { type: 'boolean' },
      store: { type: 'string' },
      'dataset-id': { type: 'string' },
      'id-column': { type: 'string' },
      'embedding-column': { type: 'string', multiple: true },
      'source-column': { type: 'string' },
      'path-column': { type: 'string' },
      'base-dir': { type: 'string' },
      'allow-private-urls': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

function intOption(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return value;
}

function readVersion(): string {
  // Same relative location from src/server (tsx) and dist/server (built).
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function print(text: string): number {
  process.stdout.write(text);
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`lenslet: ${message}\n`);
  return 1;
}
