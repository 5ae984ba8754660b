import { basename, extname, resolve } from 'node:path';
import type { PgConnection } from './pg-connection.js';

/** Where a server keeps its state when it shares it with other servers (`--store`, `--dataset-id`). */
export interface StoreOptions {
  /** `postgres://user@host:5432/db`. */
  url: string;
  /** The dataset this server serves; every row it writes carries it. */
  datasetId: string;
}

/** The environment variable `--store` falls back to. */
export const STORE_URL_ENV = 'LENSLET_STORE_URL';

const MAX_DATASET_ID = 200;

/** A store URL's problem in one line, or null when it is a `postgres://` URL. */
export function checkStoreUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `--store must be a postgres:// URL, e.g. postgres://user@host:5432/db (got "${redactUrl(url)}")`;
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    return `--store must be a postgres:// URL, e.g. postgres://user@host:5432/db (got a ${parsed.protocol.slice(0, -1)}: URL)`;
  }
  if (!parsed.hostname && !parsed.searchParams.has('host')) return '--store needs a host, e.g. postgres://user@host:5432/db';
  return null;
}

/** A dataset id's problem in one line, or null. */
export function checkDatasetId(id: string): string | null {
  if (id.trim() === '') return '--dataset-id must not be empty';
  if (id.length > MAX_DATASET_ID) return `--dataset-id must be at most ${MAX_DATASET_ID} characters`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(id)) return '--dataset-id must not contain control characters';
  return null;
}

/**
 * The dataset id a folder or table gets without `--dataset-id`: the folder's name, or the table
 * file's name without `.parquet` (a folder holding items.parquet is named by the folder). Servers
 * started on copies of one dataset in different places agree on it as long as the names match.
 */
export function defaultDatasetId(target: string): string {
  const absolute = resolve(target);
  const name = basename(absolute);
  if (extname(name).toLowerCase() === '.parquet') return name.slice(0, -'.parquet'.length) || name;
  return name || 'root';
}

/**
 * `--store` (or LENSLET_STORE_URL; the caller passes the flag first) and `--dataset-id` for a
 * folder or table: undefined means SQLite in the workspace. The server and the account CLI both
 * read them here, so a CLI run lands on the dataset the server on that target serves.
 */
export function storeOptionsOf(url: string | undefined, datasetId: string | undefined, target: string): StoreOptions | undefined {
  if (url === undefined || url === '') {
    if (datasetId !== undefined) throw new Error(`--dataset-id needs --store (or ${STORE_URL_ENV})`);
    return undefined;
  }
  const id = datasetId ?? defaultDatasetId(target);
  const problem = checkStoreUrl(url) ?? checkDatasetId(id);
  if (problem) throw new Error(problem);
  return { url, datasetId: id };
}

/**
 * Opens the shared connection at start: an unreachable database or a refused login becomes one
 * line naming the database (the URL without its password), not a driver stack trace.
 */
export async function openStore(store: StoreOptions): Promise<PgConnection> {
  try {
    const { PgConnection } = await import('./pg-connection.js');
    return await PgConnection.open({ url: store.url, datasetId: store.datasetId });
  } catch (error) {
    throw new StoreOpenError(`cannot use the PostgreSQL store at ${redactUrl(store.url)}: ${reasonOf(error)}`);
  }
}

/** The store could not be opened at start; its message is one line for the operator. */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

/** The URL without its password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

function reasonOf(error: unknown): string {
  // `localhost` tried over IPv4 and IPv6 fails as an AggregateError with an empty message.
  const errors = error instanceof AggregateError ? error.errors : [error];
  const first = errors[0] ?? error;
  const code = (first as { code?: unknown }).code;
  const message = first instanceof Error && first.message ? first.message : String(first);
  const line = message.split('\n')[0]!.trim();
  return typeof code === 'string' && !line.includes(code) ? `${line} (${code})` : line || 'unreachable';
}
