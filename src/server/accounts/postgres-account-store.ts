import type pg from 'pg';
import type { AuditEntry } from '../../protocol/auth.js';
import type { PgConnection } from '../postgres/pg-connection.js';
import {
  nameKey,
  type AccountStore,
  type AddUserOutcome,
  type LinkRecord,
  type NewUser,
  type SessionRecord,
  type TokenRecord,
  type UserChange,
  type UserOutcome,
  type UserRecord,
} from './account-store.js';
import { tokenOf, type TokenRow, type UserRow, userOf } from './account-rows.js';
import { POSTGRES_ACCOUNT_MIGRATIONS } from './postgres-account-migrations.js';

interface SessionRow {
  id_hash: string;
  user_id: number;
  created_at: string;
  /** BIGINT: the driver hands it over as a string. */
  expires_at_ms: string;
}
interface LinkRow {
  hash: string;
  kind: LinkRecord['kind'];
  user_id: number | null;
  expires_at_ms: string;
}
interface AuditRow extends Omit<AuditEntry, 'id'> {
  id: string;
}

/**
 * How long a change stamp read from the database is reused. The service asks on every
 * authenticated request; one indexed read per window per server keeps that cheap, and another
 * server's change is still seen well within a second (its `watch` asks every second anyway).
 */
export const CHANGE_STAMP_MAX_AGE_MS = 250;

const USER_COLUMNS = 'id, name, role, password_hash, created_at, last_seen_at';
const TOKEN_COLUMNS = 'id, name, role, secret_hash, created_at, created_by, last_used_at';

/** Prepared once per pooled connection (pg names them), reused by every later call. */
const SQL = {
  lock: 'SELECT last_user_id FROM lenslet_account_state WHERE dataset = $1 FOR UPDATE',
  bump: 'UPDATE lenslet_account_state SET stamp = stamp + 1 WHERE dataset = $1',
  stamp: 'SELECT stamp FROM lenslet_account_state WHERE dataset = $1',
  countUsers: 'SELECT count(*)::int AS n FROM lenslet_users WHERE dataset = $1',
  otherAdmins: "SELECT count(*)::int AS n FROM lenslet_users WHERE dataset = $1 AND role = 'admin' AND id <> $2",
  listUsers: `SELECT ${USER_COLUMNS} FROM lenslet_users WHERE dataset = $1 ORDER BY id`,
  findUser: `SELECT ${USER_COLUMNS} FROM lenslet_users WHERE dataset = $1 AND name_key = $2`,
  getUser: `SELECT ${USER_COLUMNS} FROM lenslet_users WHERE dataset = $1 AND id = $2`,
  insertUser: `INSERT INTO lenslet_users (dataset, id, name, name_key, role, password_hash, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${USER_COLUMNS}`,
  takeUserId: 'UPDATE lenslet_account_state SET last_user_id = $2 WHERE dataset = $1',
  setRole: 'UPDATE lenslet_users SET role = $3 WHERE dataset = $1 AND id = $2',
  setPassword: 'UPDATE lenslet_users SET password_hash = $3 WHERE dataset = $1 AND id = $2',
  touchUser: 'UPDATE lenslet_users SET last_seen_at = $3 WHERE dataset = $1 AND id = $2',
  deleteUser: 'DELETE FROM lenslet_users WHERE dataset = $1 AND id = $2',
  insertSession: `INSERT INTO lenslet_user_sessions (dataset, id_hash, user_id, created_at, expires_at_ms)
    SELECT $1, $2::text, id, $4::text, $5::bigint FROM lenslet_users WHERE dataset = $1 AND id = $3`,
  getSession: 'SELECT id_hash, user_id, created_at, expires_at_ms FROM lenslet_user_sessions WHERE dataset = $1 AND id_hash = $2',
  extendSession: 'UPDATE lenslet_user_sessions SET expires_at_ms = $3 WHERE dataset = $1 AND id_hash = $2',
  deleteSession: 'DELETE FROM lenslet_user_sessions WHERE dataset = $1 AND id_hash = $2',
  deleteExpired: 'DELETE FROM lenslet_user_sessions WHERE dataset = $1 AND expires_at_ms <= $2',
  insertToken: `INSERT INTO lenslet_api_tokens (dataset, id, name, name_key, role, secret_hash, created_at, created_by, last_used_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dataset, name_key) DO NOTHING`,
  listTokens: `SELECT ${TOKEN_COLUMNS} FROM lenslet_api_tokens WHERE dataset = $1 ORDER BY created_at, name`,
  getToken: `SELECT ${TOKEN_COLUMNS} FROM lenslet_api_tokens WHERE dataset = $1 AND id = $2`,
  findToken: `SELECT ${TOKEN_COLUMNS} FROM lenslet_api_tokens WHERE dataset = $1 AND secret_hash = $2`,
  touchToken: 'UPDATE lenslet_api_tokens SET last_used_at = $3 WHERE dataset = $1 AND id = $2',
  deleteToken: 'DELETE FROM lenslet_api_tokens WHERE dataset = $1 AND id = $2',
  upsertLink: `INSERT INTO lenslet_account_links (dataset, hash, kind, user_id, expires_at_ms) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (dataset, hash) DO UPDATE SET kind = EXCLUDED.kind, user_id = EXCLUDED.user_id, expires_at_ms = EXCLUDED.expires_at_ms`,
  getLink: 'SELECT hash, kind, user_id, expires_at_ms FROM lenslet_account_links WHERE dataset = $1 AND hash = $2 AND expires_at_ms > $3',
  // One statement: of two servers taking the same link at once, exactly one gets the row back.
  takeLink: 'DELETE FROM lenslet_account_links WHERE dataset = $1 AND hash = $2 RETURNING hash, kind, user_id, expires_at_ms',
  deleteLinksOfKind: 'DELETE FROM lenslet_account_links WHERE dataset = $1 AND kind = $2',
  deleteLinksOfUser: 'DELETE FROM lenslet_account_links WHERE dataset = $1 AND kind = $2 AND user_id = $3',
  // The id comes from the state row, whose lock holds until this statement commits: ids increase in commit order.
  insertAudit: `WITH next AS (
      UPDATE lenslet_account_state SET last_audit_id = last_audit_id + 1 WHERE dataset = $1 RETURNING last_audit_id
    )
    INSERT INTO lenslet_account_audit (dataset, id, at, kind, actor, subject, address, detail)
    SELECT $1, last_audit_id, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text FROM next
    RETURNING id, at, kind, actor, subject, address, detail`,
  listAudit: `SELECT id, at, kind, actor, subject, address, detail FROM lenslet_account_audit
    WHERE dataset = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
  getSetting: 'SELECT value FROM lenslet_account_settings WHERE dataset = $1 AND key = $2',
  setSetting: `INSERT INTO lenslet_account_settings (dataset, key, value) VALUES ($1, $2, $3)
    ON CONFLICT (dataset, key) DO UPDATE SET value = EXCLUDED.value`,
} as const;

type Statement = keyof typeof SQL;

function statement(name: Statement, values: unknown[]): pg.QueryConfig {
  return { name: `lenslet_accounts_${name}`, text: SQL[name], values };
}

/**
 * Accounts of one dataset in PostgreSQL (issue 11), shared by every server on that dataset and by
 * the CLI. Writes that decide on what is there (first user, last admin) run in one transaction
 * that first locks the dataset's state row, so two servers racing decide one after the other.
 * Every change that can end or alter someone's access bumps the state row's stamp; `changeStamp`
 * reads it, so each server drops its cached principals soon after another one's change (AC9).
 * The connection is shared with the other stores: `close` leaves it open.
 */
export class PostgresAccountStore implements AccountStore {
  readonly kind = 'postgres' as const;
  readonly location: string;
  private readonly dataset: number;
  private stamp = { value: 0, readAtMs: Number.NEGATIVE_INFINITY };
  private stampRead: Promise<number> | undefined;

  private constructor(private readonly db: PgConnection) {
    this.location = db.location;
    this.dataset = db.dataset;
  }

  static async open(db: PgConnection): Promise<PostgresAccountStore> {
    await db.migrate('accounts', POSTGRES_ACCOUNT_MIGRATIONS);
    await db.query('INSERT INTO lenslet_account_state (dataset) VALUES ($1) ON CONFLICT (dataset) DO NOTHING', [db.dataset]);
    return new PostgresAccountStore(db);
  }

  async countUsers(): Promise<number> {
    return (await this.run<{ n: number }>('countUsers')).rows[0]!.n;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.run<UserRow>('listUsers')).rows.map(userOf);
  }

  async findUser(name: string): Promise<UserRecord | null> {
    const row = (await this.run<UserRow>('findUser', nameKey(name))).rows[0];
    return row ? userOf(row) : null;
  }

  async getUser(id: number): Promise<UserRecord | null> {
    const row = (await this.run<UserRow>('getUser', id)).rows[0];
    return row ? userOf(row) : null;
  }

  async addUser(input: NewUser, options: { onlyIfNone?: boolean } = {}): Promise<AddUserOutcome> {
    return this.change(async (exec, lastUserId) => {
      if (options.onlyIfNone && (await exec<{ n: number }>('countUsers')).rows[0]!.n > 0) return { kind: 'not_first' };
      if ((await exec('findUser', nameKey(input.name))).rowCount) return { kind: 'exists' };
      const id = lastUserId + 1;
      await exec('takeUserId', id);
      const row = (await exec<UserRow>('insertUser', id, input.name, nameKey(input.name), input.role, input.passwordHash, input.createdAt)).rows[0]!;
      return { kind: 'added', user: userOf(row) };
    });
  }

  async updateUser(id: number, change: UserChange): Promise<UserOutcome> {
    return this.change(async (exec) => {
      const row = (await exec<UserRow>('getUser', id)).rows[0];
      if (!row) return { kind: 'missing' };
      if (change.role !== undefined && change.role !== 'admin' && row.role === 'admin' && !(await hasOtherAdmin(exec, id))) return { kind: 'last_admin' };
      if (change.role !== undefined) await exec('setRole', id, change.role);
      if (change.passwordHash !== undefined) await exec('setPassword', id, change.passwordHash);
      return { kind: 'done', user: userOf((await exec<UserRow>('getUser', id)).rows[0]!) };
    });
  }

  async touchUser(id: number, lastSeenAt: string): Promise<void> {
    await this.run('touchUser', id, lastSeenAt);
  }

  async removeUser(id: number): Promise<UserOutcome> {
    return this.change(async (exec) => {
      const row = (await exec<UserRow>('getUser', id)).rows[0];
      if (!row) return { kind: 'missing' };
      if (row.role === 'admin' && !(await hasOtherAdmin(exec, id))) return { kind: 'last_admin' };
      // Sessions and invite links go with the user (ON DELETE CASCADE).
      await exec('deleteUser', id);
      return { kind: 'done', user: userOf(row) };
    });
  }

  async addSession(session: SessionRecord): Promise<void> {
    try {
      await this.run('insertSession', session.idHash, session.userId, session.createdAt, session.expiresAtMs);
    } catch (error) {
      // The user was removed by another server between the SELECT and the foreign key check.
      if ((error as { code?: unknown }).code !== '23503') throw error;
    }
  }

  async getSession(idHash: string): Promise<SessionRecord | null> {
    const row = (await this.run<SessionRow>('getSession', idHash)).rows[0];
    return row ? { idHash: row.id_hash, userId: row.user_id, createdAt: row.created_at, expiresAtMs: Number(row.expires_at_ms) } : null;
  }

  async extendSession(idHash: string, expiresAtMs: number): Promise<void> {
    await this.run('extendSession', idHash, expiresAtMs);
  }

  async removeSession(idHash: string): Promise<boolean> {
    return this.changeIfAny((exec) => exec('deleteSession', idHash));
  }

  async removeExpiredSessions(nowMs: number): Promise<number> {
    let removed = 0;
    await this.changeIfAny(async (exec) => {
      const result = await exec('deleteExpired', nowMs);
      removed = result.rowCount ?? 0;
      return result;
    });
    return removed;
  }

  async addToken(token: TokenRecord): Promise<'added' | 'exists'> {
    const result = await this.run(
      'insertToken',
      token.id,
      token.name,
      nameKey(token.name),
      token.role,
      token.secretHash,
      token.createdAt,
      token.createdBy,
      token.lastUsedAt,
    );
    return result.rowCount ? 'added' : 'exists';
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (await this.run<TokenRow>('listTokens')).rows.map(tokenOf);
  }

  async getToken(id: string): Promise<TokenRecord | null> {
    const row = (await this.run<TokenRow>('getToken', id)).rows[0];
    return row ? tokenOf(row) : null;
  }

  async findTokenBySecret(secretHash: string): Promise<TokenRecord | null> {
    const row = (await this.run<TokenRow>('findToken', secretHash)).rows[0];
    return row ? tokenOf(row) : null;
  }

  async touchToken(id: string, lastUsedAt: string): Promise<void> {
    await this.run('touchToken', id, lastUsedAt);
  }

  async removeToken(id: string): Promise<boolean> {
    return this.changeIfAny((exec) => exec('deleteToken', id));
  }

  async addLink(link: LinkRecord): Promise<void> {
    await this.run('upsertLink', link.hash, link.kind, link.userId, link.expiresAtMs);
  }

  async getLink(hash: string, nowMs: number): Promise<LinkRecord | null> {
    const row = (await this.run<LinkRow>('getLink', hash, nowMs)).rows[0];
    return row ? linkOf(row) : null;
  }

  async takeLink(hash: string, nowMs: number): Promise<LinkRecord | null> {
    const row = (await this.run<LinkRow>('takeLink', hash)).rows[0];
    return row && Number(row.expires_at_ms) > nowMs ? linkOf(row) : null;
  }

  async removeLinks(kind: LinkRecord['kind'], userId: number | null): Promise<void> {
    if (userId === null) await this.run('deleteLinksOfKind', kind);
    else await this.run('deleteLinksOfUser', kind, userId);
  }

  async appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    const row = (await this.run<AuditRow>('insertAudit', entry.at, entry.kind, entry.actor, entry.subject, entry.address, entry.detail)).rows[0]!;
    return auditOf(row);
  }

  async listAudit(limit: number, before: number | null): Promise<AuditEntry[]> {
    return (await this.run<AuditRow>('listAudit', before ?? Number.MAX_SAFE_INTEGER, limit)).rows.map(auditOf);
  }

  async getSetting(key: string): Promise<string | null> {
    return (await this.run<{ value: string }>('getSetting', key)).rows[0]?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.run('setSetting', key, value);
  }

  /**
   * The dataset's stamp, read at most once per CHANGE_STAMP_MAX_AGE_MS (concurrent callers share
   * one read). Our own changes move it too, which only costs our cache a refill.
   */
  async changeStamp(): Promise<number> {
    if (Date.now() - this.stamp.readAtMs < CHANGE_STAMP_MAX_AGE_MS) return this.stamp.value;
    this.stampRead ??= this.run<{ stamp: string }>('stamp')
      .then((result) => {
        this.stamp = { value: Number(result.rows[0]!.stamp), readAtMs: Date.now() };
        return this.stamp.value;
      })
      .finally(() => {
        this.stampRead = undefined;
      });
    return this.stampRead;
  }

  /** The connection belongs to the server (labels and other stores share it): nothing to release here. */
  async close(): Promise<void> {}

  private run<R extends pg.QueryResultRow = pg.QueryResultRow>(name: Statement, ...values: unknown[]): Promise<pg.QueryResult<R>> {
    return this.db.query<R>(statement(name, [this.dataset, ...values]));
  }

  /**
   * A change decided on what is there: one transaction holding the dataset's state row, so
   * concurrent servers decide one after another (AC3, AC4); the stamp moves for the other servers.
   */
  private async change<T>(fn: (exec: Exec, lastUserId: number) => Promise<T>): Promise<T> {
    const result = await this.db.tx(async (client) => {
      const exec: Exec = (name, ...values) => client.query(statement(name, [this.dataset, ...values]));
      const locked = await exec<{ last_user_id: number }>('lock');
      const outcome = await fn(exec, locked.rows[0]!.last_user_id);
      await exec('bump');
      return outcome;
    });
    this.stamp.readAtMs = Number.NEGATIVE_INFINITY;
    return result;
  }

  /** A removal that moves the stamp only when it removed something (logging out twice changes nothing). */
  private async changeIfAny(remove: (exec: Exec) => Promise<pg.QueryResult>): Promise<boolean> {
    const removed = await this.db.tx(async (client) => {
      const exec: Exec = (name, ...values) => client.query(statement(name, [this.dataset, ...values]));
      const result = await remove(exec);
      if (!result.rowCount) return false;
      await exec('bump');
      return true;
    });
    if (removed) this.stamp.readAtMs = Number.NEGATIVE_INFINITY;
    return removed;
  }
}

type Exec = <R extends pg.QueryResultRow = pg.QueryResultRow>(name: Statement, ...values: unknown[]) => Promise<pg.QueryResult<R>>;

async function hasOtherAdmin(exec: Exec, id: number): Promise<boolean> {
  return (await exec<{ n: number }>('otherAdmins', id)).rows[0]!.n > 0;
}

function linkOf(row: LinkRow): LinkRecord {
  return { hash: row.hash, kind: row.kind, userId: row.user_id, expiresAtMs: Number(row.expires_at_ms) };
}

function auditOf(row: AuditRow): AuditEntry {
  return { id: Number(row.id), at: row.at, kind: row.kind, actor: row.actor, subject: row.subject, address: row.address, detail: row.detail };
}
