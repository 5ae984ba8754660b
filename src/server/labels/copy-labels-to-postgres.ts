import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { sqlite } from '../lib/sqlite.js';
import type pg from 'pg';
import type { PgConnection } from '../postgres/pg-connection.js';
import { SQLITE_MIGRATIONS } from './migrations/sqlite-migrations.js';
import { PostgresLabelStore } from './postgres-label-store.js';
import { SqliteLabelStore, type LabelRow } from './sqlite-label-store.js';

const PAGE = 1000;

interface SqliteEvent {
  id: number;
  type: string;
  path: string;
  data: string;
  changes: string;
  moved_from: string | null;
  move_batch: number | null;
}

export interface CopyResult {
  labels: number;
  events: number;
  /** The dataset already held exactly these labels and events: nothing was written. */
  alreadyThere: boolean;
}

/**
 * `lenslet migrate`: copies a workspace's `labels.sqlite` (labels with their versions, the event
 * log with its ids, the compaction point) into `db`'s dataset, in one transaction, and checks the
 * counts. Event ids are kept, so a browser's `Last-Event-ID` still resumes, and the dataset's clock
 * goes to the SQLite high-water mark, so new ids continue above the copied ones. Running it again
 * finds the same rows and writes nothing; a dataset holding other labels is refused (one line).
 * Idempotency records (30 minutes' worth of retries) are not copied.
 */
export async function copyLabelsToPostgres(sqliteFile: string, db: PgConnection): Promise<CopyResult> {
  const prepared = await prepareLabelsCopy(sqliteFile, db);
  try {
    return await db.tx(prepared.copy);
  } finally {
    prepared.close();
  }
}

/**
 * The checks and schema work of a labels copy, done before its transaction, and the copy itself as
 * a step of a transaction the caller runs (`lenslet migrate` copies labels, smart folders and
 * accounts in one, so a refusal of any leaves the dataset as it was).
 */
export async function prepareLabelsCopy(sqliteFile: string, db: PgConnection): Promise<{ copy: (client: pg.PoolClient) => Promise<CopyResult>; close: () => void }> {
  if (!existsSync(sqliteFile)) throw new Error(`${sqliteFile} does not exist: nothing to migrate`);
  // Opening it as the server would refuses a damaged file in one line and brings an older schema
  // up to date (the workspace's own file; the served folder is never touched).
  await new SqliteLabelStore(sqliteFile).close();
  const source = new (sqlite())(sqliteFile, { readonly: true, fileMustExist: true });
  try {
    if ((source.pragma('user_version', { simple: true }) as number) !== SQLITE_MIGRATIONS.length) {
      throw new Error(`${sqliteFile} has an unexpected schema version`);
    }
    await (await PostgresLabelStore.open(db)).close();
  } catch (error) {
    source.close();
    throw error;
  }
  return { copy: (client) => copy(source, client, db), close: () => source.close() };
}

async function copy(source: Database.Database, client: pg.PoolClient, db: PgConnection): Promise<CopyResult> {
  const d = db.dataset;
  // The writer's lock (as every label write takes it): no server writes this dataset meanwhile.
  await client.query('SELECT last_event_id FROM lenslet_datasets WHERE key = $1 FOR UPDATE', [d]);
  const labels = (source.prepare('SELECT count(*) AS n FROM labels').get() as { n: number }).n;
  const events = (source.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const seq = (source.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get() as { seq: number } | undefined)?.seq ?? 0;
  const compacted = Number((source.prepare("SELECT value FROM meta WHERE key = 'compacted_through'").get() as { value: string } | undefined)?.value ?? 0);

  const there = await counts(client, d);
  if (there.labels > 0 || there.events > 0) {
    if (there.labels === labels && there.events === events && (await sameLabels(source, client, d))) {
      return { labels, events, alreadyThere: true };
    }
    throw new Error(
      `dataset "${db.datasetId}" in ${db.location} already has other labels (${there.labels} labels, ${there.events} events): refusing to mix them; migrate into an empty dataset (--dataset-id)`,
    );
  }

  const labelPage = source.prepare<[string, number], LabelRow>('SELECT * FROM labels WHERE path > ? ORDER BY path LIMIT ?');
  for (let after = ''; ; ) {
    const rows = labelPage.all(after, PAGE);
    if (rows.length === 0) break;
    await client.query(
      `INSERT INTO lenslet_labels (dataset, path, tags, notes, star, flag, metrics, version, updated_at, updated_by)
       SELECT $1::int, * FROM unnest($2::text[], $3::json[], $4::text[], $5::int[], $6::text[], $7::json[], $8::int[], $9::text[], $10::text[])`,
      [d, ...columns(rows, ['path', 'tags', 'notes', 'star', 'flag', 'metrics', 'version', 'updated_at', 'updated_by'])],
    );
    after = rows[rows.length - 1]!.path;
  }
  const eventPage = source.prepare<[number, number], SqliteEvent>(
    'SELECT id, type, path, data, changes, moved_from, move_batch FROM events WHERE id > ? ORDER BY id LIMIT ?',
  );
  for (let after = 0; ; ) {
    const rows = eventPage.all(after, PAGE);
    if (rows.length === 0) break;
    await client.query(
      `INSERT INTO lenslet_label_events (dataset, id, type, path, data, changes, moved_from, move_batch)
       SELECT $1::int, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::json[], $6::json[], $7::text[], $8::bigint[])`,
      [d, ...columns(rows, ['id', 'type', 'path', 'data', 'changes', 'moved_from', 'move_batch'])],
    );
    after = rows[rows.length - 1]!.id;
  }
  await client.query('UPDATE lenslet_datasets SET last_event_id = GREATEST(last_event_id, $2) WHERE key = $1', [d, seq]);
  await client.query('UPDATE lenslet_label_state SET compacted_through = $2 WHERE dataset = $1', [d, compacted]);

  const copied = await counts(client, d);
  if (copied.labels !== labels || copied.events !== events) {
    // Thrown inside the transaction: nothing of the copy stays.
    throw new Error(`copy check failed: SQLite has ${labels} labels and ${events} events, PostgreSQL got ${copied.labels} and ${copied.events}`);
  }
  return { labels, events, alreadyThere: false };
}

function columns<T>(rows: T[], names: (keyof T)[]): unknown[][] {
  return names.map((name) => rows.map((r) => r[name]));
}

async function counts(client: pg.PoolClient, dataset: number): Promise<{ labels: number; events: number }> {
  const { rows } = await client.query<{ labels: string; events: string }>(
    `SELECT (SELECT count(*) FROM lenslet_labels WHERE dataset = $1) AS labels,
            (SELECT count(*) FROM lenslet_label_events WHERE dataset = $1) AS events`,
    [dataset],
  );
  return { labels: Number(rows[0]!.labels), events: Number(rows[0]!.events) };
}

/** Whether the dataset's labels are exactly the file's: same paths, versions and values. */
async function sameLabels(source: Database.Database, client: pg.PoolClient, dataset: number): Promise<boolean> {
  const page = source.prepare<[string, number], LabelRow>('SELECT * FROM labels WHERE path > ? ORDER BY path LIMIT ?');
  for (let after = ''; ; ) {
    const mine = page.all(after, PAGE);
    if (mine.length === 0) return true;
    const { rows } = await client.query<{ row: string }>(
      `SELECT json_build_array(path, tags::text, notes, star, flag, metrics::text, version, updated_at, updated_by)::text AS row
       FROM lenslet_labels WHERE dataset = $1 AND path > $2 ORDER BY path LIMIT $3`,
      [dataset, after, PAGE],
    );
    const theirs = rows.map((r) => JSON.stringify(JSON.parse(r.row)));
    const expected = mine.map((r) => JSON.stringify([r.path, r.tags, r.notes, r.star, r.flag, r.metrics, r.version, r.updated_at, r.updated_by]));
    if (theirs.join('\n') !== expected.join('\n')) return false;
    after = mine[mine.length - 1]!.path;
  }
}
