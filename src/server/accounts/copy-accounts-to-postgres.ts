import { sqlite as loadSqlite } from '../lib/sqlite.js';
import type pg from 'pg';
import type { PgConnection } from '../postgres/pg-connection.js';
import { PostgresAccountStore } from './postgres-account-store.js';
import { ACCOUNT_MIGRATIONS } from './sqlite-account-migrations.js';

export interface CopiedAccounts {
  /** What the dataset holds in PostgreSQL afterwards. */
  users: number;
  tokens: number;
  sessions: number;
  /** False when there was nothing to copy or it was copied before. */
  copied: boolean;
}

interface SqliteAccounts {
  users: { id: number; name: string; name_key: string; role: string; password_hash: string | null; created_at: string; last_seen_at: string | null }[];
  tokens: { id: string; name: string; name_key: string; role: string; secret_hash: string; created_at: string; created_by: string | null; last_used_at: string | null }[];
  sessions: { id_hash: string; user_id: number; created_at: string; expires_at_ms: number }[];
  links: { hash: string; kind: string; user_id: number | null; expires_at_ms: number }[];
  audit: { id: number; at: string; kind: string; actor: string | null; subject: string | null; address: string | null; detail: string | null }[];
  settings: { key: string; value: string }[];
  /** AUTOINCREMENT high-water marks: ids of removed users are never handed out again. */
  lastUserId: number;
}

/**
 * `lenslet migrate`: copies `<workspace>/accounts.sqlite` into the dataset's accounts in
 * PostgreSQL (rule AC14): users with their ids, password hashes and roles, tokens, live sessions,
 * pending links, the audit log and settings, in one transaction that verifies the counts. Users
 * keep their ids, so sessions and links still point at them and people stay signed in. A dataset
 * that already holds these users is left alone; one that holds other users is refused.
 */
export async function copyAccountsToPostgres(sqliteFile: string, db: PgConnection, nowMs = Date.now()): Promise<CopiedAccounts> {
  return db.tx(await prepareAccountsCopy(sqliteFile, db, nowMs));
}

/** Reads the accounts and readies the schema before the transaction; the copy runs as a step of the caller's. */
export async function prepareAccountsCopy(sqliteFile: string, db: PgConnection, nowMs = Date.now()): Promise<(client: pg.PoolClient) => Promise<CopiedAccounts>> {
  const source = readSqliteAccounts(sqliteFile, nowMs);
  await PostgresAccountStore.open(db);
  return async (client) => {
    const dataset = db.dataset;
    // The same lock account writers take: no server adds a user while we decide and copy.
    const state = (await client.query<{ last_audit_id: string }>('SELECT last_audit_id FROM lenslet_account_state WHERE dataset = $1 FOR UPDATE', [dataset])).rows[0]!;
    const users = (await client.query<{ id: number; name_key: string }>('SELECT id, name_key FROM lenslet_users WHERE dataset = $1', [dataset])).rows;
    const tokenIds = (await client.query<{ id: string }>('SELECT id FROM lenslet_api_tokens WHERE dataset = $1', [dataset])).rows.map((r) => r.id);
    if (source.users.length === 0 && source.tokens.length === 0) return { ...(await countsOf(client, dataset)), copied: false };
    if (users.length > 0 || tokenIds.length > 0) {
      const there = new Set(users.map((u) => `${u.id}:${u.name_key}`));
      const copiedBefore = source.users.every((u) => there.has(`${u.id}:${u.name_key}`)) && source.tokens.every((t) => tokenIds.includes(t.id));
      if (copiedBefore) return { ...(await countsOf(client, dataset)), copied: false };
      throw new Error(`dataset "${db.datasetId}" in ${db.location} already has other users: not copying the accounts of ${sqliteFile}`);
    }
    // Entries a PostgreSQL server logged before the copy keep their ids; the copied ones follow them.
    const auditOffset = Number(state.last_audit_id);
    const auditBefore = await countAudit(client, dataset);
    await insertAll(client, dataset, source, auditOffset);
    const counts = await countsOf(client, dataset);
    const expected = { users: source.users.length, tokens: source.tokens.length, sessions: source.sessions.length };
    const audit = (await countAudit(client, dataset)) - auditBefore;
    if (counts.users !== expected.users || counts.tokens !== expected.tokens || counts.sessions !== expected.sessions || audit !== source.audit.length) {
      throw new Error(`copying accounts into "${db.datasetId}": expected ${JSON.stringify(expected)}, found ${JSON.stringify(counts)}; nothing was copied`);
    }
    await client.query(
      `UPDATE lenslet_account_state SET stamp = stamp + 1, last_user_id = GREATEST(last_user_id, $2), last_audit_id = GREATEST(last_audit_id, $3)
       WHERE dataset = $1`,
      [dataset, source.lastUserId, auditOffset + source.audit.reduce((max, a) => Math.max(max, a.id), 0)],
    );
    return { ...counts, copied: true };
  };
}

function readSqliteAccounts(file: string, nowMs: number): SqliteAccounts {
  // Read-only: the workspace's accounts stay as they were, a fallback until PostgreSQL is trusted.
  const sqlite = new (loadSqlite())(file, { readonly: true, fileMustExist: true });
  try {
    const version = sqlite.pragma('user_version', { simple: true }) as number;
    if (version > ACCOUNT_MIGRATIONS.length) throw new Error(`${file} was written by a newer Lenslet (schema ${version})`);
    if (version === 0) return { users: [], tokens: [], sessions: [], links: [], audit: [], settings: [], lastUserId: 0 };
    const all = <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).all(...params) as T[];
    const seq = all<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'users'")[0]?.seq ?? 0;
    const users = all<SqliteAccounts['users'][number]>('SELECT * FROM users ORDER BY id');
    return {
      users,
      tokens: all('SELECT * FROM tokens'),
      sessions: all('SELECT * FROM sessions WHERE expires_at_ms > ?', nowMs),
      links: all('SELECT * FROM links WHERE expires_at_ms > ?', nowMs),
      audit: all('SELECT * FROM audit ORDER BY id'),
      settings: all('SELECT * FROM settings'),
      lastUserId: users.reduce((max, u) => Math.max(max, u.id), seq),
    };
  } finally {
    sqlite.close();
  }
}

/** One statement per table: columns go in as arrays and come out of `unnest` as rows. */
async function insertAll(client: pg.PoolClient, dataset: number, source: SqliteAccounts, auditOffset: number): Promise<void> {
  const column = <T, K extends keyof T>(rows: T[], key: K) => rows.map((row) => row[key]);
  const { users, tokens, sessions, links, audit, settings } = source;
  await client.query(
    `INSERT INTO lenslet_users (dataset, id, name, name_key, role, password_hash, created_at, last_seen_at)
     SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
    [dataset, ...(['id', 'name', 'name_key', 'role', 'password_hash', 'created_at', 'last_seen_at'] as const).map((k) => column(users, k))],
  );
  await client.query(
    `INSERT INTO lenslet_api_tokens (dataset, id, name, name_key, role, secret_hash, created_at, created_by, last_used_at)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`,
    [dataset, ...(['id', 'name', 'name_key', 'role', 'secret_hash', 'created_at', 'created_by', 'last_used_at'] as const).map((k) => column(tokens, k))],
  );
  await client.query(
    `INSERT INTO lenslet_user_sessions (dataset, id_hash, user_id, created_at, expires_at_ms)
     SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[], $5::bigint[])`,
    [dataset, ...(['id_hash', 'user_id', 'created_at', 'expires_at_ms'] as const).map((k) => column(sessions, k))],
  );
  await client.query(
    `INSERT INTO lenslet_account_links (dataset, hash, kind, user_id, expires_at_ms)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[]) ON CONFLICT (dataset, hash) DO NOTHING`,
    [dataset, ...(['hash', 'kind', 'user_id', 'expires_at_ms'] as const).map((k) => column(links, k))],
  );
  await client.query(
    `INSERT INTO lenslet_account_audit (dataset, id, at, kind, actor, subject, address, detail)
     SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
    [dataset, audit.map((a) => a.id + auditOffset), ...(['at', 'kind', 'actor', 'subject', 'address', 'detail'] as const).map((k) => column(audit, k))],
  );
  // A setting a PostgreSQL server wrote already (its URL) is newer than the workspace's.
  await client.query(
    `INSERT INTO lenslet_account_settings (dataset, key, value)
     SELECT $1, * FROM unnest($2::text[], $3::text[]) ON CONFLICT (dataset, key) DO NOTHING`,
    [dataset, column(settings, 'key'), column(settings, 'value')],
  );
}

async function countsOf(client: pg.PoolClient, dataset: number): Promise<Omit<CopiedAccounts, 'copied'>> {
  const result = await client.query<{ users: number; tokens: number; sessions: number }>(
    `SELECT (SELECT count(*)::int FROM lenslet_users WHERE dataset = $1) AS users,
            (SELECT count(*)::int FROM lenslet_api_tokens WHERE dataset = $1) AS tokens,
            (SELECT count(*)::int FROM lenslet_user_sessions WHERE dataset = $1) AS sessions`,
    [dataset],
  );
  return result.rows[0]!;
}

async function countAudit(client: pg.PoolClient, dataset: number): Promise<number> {
  return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM lenslet_account_audit WHERE dataset = $1', [dataset])).rows[0]!.n;
}
