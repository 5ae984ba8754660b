/**
 * `lenslet migrate`: a SQLite workspace into PostgreSQL. At the top of src/server, not in postgres/:
 * it imports every store folder, and those import postgres/ (a folder cycle otherwise, A2).
 */
import { existsSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { prepareAccountsCopy } from './accounts/copy-accounts-to-postgres.js';
import { prepareEmbeddingsCopy } from './embeddings/pg-embedding-copy.js';
import { prepareLabelsCopy } from './labels/copy-labels-to-postgres.js';
import { prepareViewsCopy } from './views/pg-views-copy.js';
import { workspaceOfTarget } from './workspace.js';
import { checkDatasetId, checkStoreUrl, defaultDatasetId, openStore, STORE_URL_ENV } from './postgres/store-options.js';

export interface MigrateIo {
  stdout: Writable;
  stderr: Writable;
}

const HELP = `Usage: lenslet migrate <folder | table.parquet> --to postgres://user@host:5432/db [options]

Copy a workspace's SQLite state into PostgreSQL, for \`lenslet <folder> --store <url>\`: labels with
their versions and the event log, idempotency records, smart folders, vectors attached with
PUT /embeddings, and users, tokens and sessions when the workspace has accounts. Counts are checked after copying. The SQLite files are
only read. Running it again does nothing; a dataset that already holds other data is refused.
Stop the SQLite server first: writes made meanwhile would not be copied.

Options:
      --to <url>           The PostgreSQL database (default: env LENSLET_STORE_URL)
      --dataset-id <id>    The dataset's name there (default: the folder's name, or the table
                           file's name without .parquet), as \`lenslet --dataset-id\` takes it
      --workspace <dir>    The workspace used with \`lenslet --workspace\`
  -h, --help               Show this help
`;

/** `lenslet migrate …`: resolves with the exit code. */
export async function runMigrateCommand(argv: string[], io: MigrateIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let parsed: ReturnType<typeof parseMigrateArgs>;
  try {
    parsed = parseMigrateArgs(argv);
  } catch (error) {
    return fail(io, `${(error as Error).message}\n\n${HELP}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) return fail(io, `give exactly one folder or table to migrate\n\n${HELP}`);
  const url = values.to ?? process.env[STORE_URL_ENV];
  if (!url) return fail(io, 'migrate needs --to postgres://user@host:5432/db');
  const target = positionals[0]!;
  const datasetId = values['dataset-id'] ?? defaultDatasetId(target);
  const problem = checkStoreUrl(url)?.replace('--store', '--to') ?? checkDatasetId(datasetId);
  if (problem) return fail(io, problem);

  const workspace = workspaceOfTarget(target, { dir: values.workspace });
  const files = { labels: workspace.labelsDbPath, accounts: workspace.accountsDbPath, embeddings: workspace.embeddingsDbPath };
  const hasViews = existsSync(workspace.viewsPath) || existsSync(workspace.legacyViewsPath);
  if (!existsSync(files.labels) && !existsSync(files.accounts) && !existsSync(files.embeddings) && !hasViews) {
    return fail(io, `nothing to migrate: no labels.sqlite, accounts.sqlite, embeddings.sqlite or smart folders in ${workspace.dir}`);
  }
  let db: Awaited<ReturnType<typeof openStore>>;
  try {
    db = await openStore({ url, datasetId });
  } catch (error) {
    return fail(io, (error as Error).message);
  }
  const where = `dataset "${datasetId}" at ${db.location}`;
  const lines: string[] = [];
  let changed = false;
  const opened: { close(): void }[] = [];
  try {
    // Everything that can refuse or fail is read and checked first; then labels, smart folders,
    // embeddings and accounts are copied in one transaction, so a refusal of any one leaves the
    // dataset untouched.
    const labelsCopy = existsSync(files.labels) ? await prepareLabelsCopy(files.labels, db) : undefined;
    if (labelsCopy) opened.push(labelsCopy);
    const viewsCopy = await prepareViewsCopy(workspace.viewsPath, workspace.legacyViewsPath, db);
    const embeddingsCopy = existsSync(files.embeddings) ? await prepareEmbeddingsCopy(files.embeddings, db) : undefined;
    const accountsCopy = existsSync(files.accounts) ? await prepareAccountsCopy(files.accounts, db) : undefined;
    await db.tx(async (client) => {
      if (labelsCopy) {
        const labels = await labelsCopy.copy(client);
        changed ||= !labels.alreadyThere;
        lines.push(`labels: ${count(labels.labels, 'item')}, ${count(labels.events, 'event')} ${labels.alreadyThere ? 'already there' : 'copied and verified'}`);
      }
      const views = await viewsCopy(client);
      changed ||= views.copied;
      lines.push(`smart folders: ${count(views.views, 'view')} ${views.copied ? 'copied and verified' : 'already there'}`);
      if (embeddingsCopy) {
        const embeddings = await embeddingsCopy(client);
        changed ||= embeddings.copied;
        lines.push(`embeddings: ${count(embeddings.embeddings, 'embedding')}, ${count(embeddings.vectors, 'vector')} ${embeddings.copied ? 'copied and verified' : 'already there'}`);
      }
      if (accountsCopy) {
        const accounts = await accountsCopy(client);
        changed ||= accounts.copied;
        lines.push(
          `accounts: ${count(accounts.users, 'user')}, ${count(accounts.tokens, 'token')}, ${count(accounts.sessions, 'session')} ${accounts.copied ? 'copied and verified' : 'already there'}`,
        );
      }
    });
  } catch (error) {
    return fail(io, `migrate into ${where}: ${(error as Error).message.split('\n')[0]}; nothing was copied`);
  } finally {
    for (const o of opened) o.close();
    await db.close();
  }
  for (const line of lines) io.stdout.write(`${line}\n`);
  io.stdout.write(
    changed
      ? `Migrated ${workspace.dir} into ${where}. Serve it with: lenslet ${target} --store <url> --dataset-id ${JSON.stringify(datasetId)}\n`
      : `Nothing to do: ${where} already holds everything in ${workspace.dir}.\n`,
  );
  return 0;
}

function parseMigrateArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      'dataset-id': { type: 'string' },
      workspace: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function fail(io: MigrateIo, message: string): number {
  io.stderr.write(`lenslet: ${message}\n`);
  return 1;
}
