import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { sqlite } from '../lib/sqlite.js';
import type { AuditEntry } from '../../protocol/auth.js';
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
import { ACCOUNT_MIGRATIONS } from './sqlite-account-migrations.js';

interface SessionRow {
  id_hash: string;
  user_id: number;
  created_at: string;
  expires_at_ms: number;
}
interface LinkRow {
  hash: string;
  kind: LinkRecord['kind'];
  user_id: number | null;
  expires_at_ms: number;
}

/**
 * Accounts in `<workspace>/accounts.sqlite`, apart from the labels so that the CLI can change
 * users while a server runs without touching the label store's connection. WAL and a busy timeout
 * let both processes write; `PRAGMA data_version` tells the server when the CLI did (AC9).
 */
export class SqliteAccountStore implements AccountStore {
  readonly kind = 'sqlite' as const;
  readonly location: string;
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(file: string) {
    this.location = file;
    mkdirSync(dirname(file), { recursive: true });
    this.db = new (sqlite())(file);
    try {
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      this.migrate();
    } catch (error) {
      this.db.close();
      throw error;
    }
    const db = this.db;
    this.stmt = {
      countUsers: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users'),
      countAdmins: db.prepare<[number], { n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin' AND id != ?"),
      listUsers: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY id'),
      findUser: db.prepare<[string], UserRow>('SELECT * FROM users WHERE name_key = ?'),
      getUser: db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?'),
      insertUser: db.prepare<[string, string, string, string | null, string], UserRow>(
        'INSERT INTO users (name, name_key, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *',
      ),
      setRole: db.prepare('UPDATE users SET role = ? WHERE id = ?'),
      setPassword: db.prepare('UPDATE users SET password_hash = ? WHERE id = ?'),
      touchUser: db.prepare('UPDATE users SET last_seen_at = ? WHERE id = ?'),
      deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
      insertSession: db.prepare('INSERT INTO sessions (id_hash, user_id, created_at, expires_at_ms) SELECT ?, id, ?, ? FROM users WHERE id = ?'),
      getSession: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id_hash = ?'),
      extendSession: db.prepare('UPDATE sessions SET expires_at_ms = ? WHERE id_hash = ?'),
      deleteSession: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
      deleteExpired: db.prepare('DELETE FROM sessions WHERE expires_at_ms <= ?'),
      insertToken: db.prepare(
        `INSERT INTO tokens (id, name, name_key, role, secret_hash, created_at, created_by, last_used_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name_key) DO NOTHING`,
      ),
      listTokens: db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY created_at, name'),
      getToken: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE id = ?'),
      findToken: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE secret_hash = ?'),
      touchToken: db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?'),
      deleteToken: db.prepare('DELETE FROM tokens WHERE id = ?'),
      // Asked on every authenticated request: prepared once (db.pragma() prepares anew each call).
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      insertLink: db.prepare('INSERT OR REPLACE INTO links (hash, kind, user_id, expires_at_ms) VALUES (?, ?, ?, ?)'),
      getLink: db.prepare<[string, number], LinkRow>('SELECT * FROM links WHERE hash = ? AND expires_at_ms > ?'),
      deleteLink: db.prepare('DELETE FROM links WHERE hash = ?'),
      deleteLinksOfKind: db.prepare('DELETE FROM links WHERE kind = ?'),
      deleteLinksOfUser: db.prepare('DELETE FROM links WHERE kind = ? AND user_id = ?'),
      insertAudit: db.prepare<[string, string, string | null, string | null, string | null, string | null], AuditEntry>(
        'INSERT INTO audit (at, kind, actor, subject, address, detail) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
      ),
      listAudit: db.prepare<[number, number], AuditEntry>('SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?'),
      getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      setSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
  }

  private migrate(): void {
    // IMMEDIATE: a second process opening a new file waits here instead of migrating it twice.
    this.db
      .transaction(() => {
        const done = this.db.pragma('user_version', { simple: true }) as number;
        if (done > ACCOUNT_MIGRATIONS.length) throw new Error(`${this.location} was written by a newer Lenslet (schema ${done})`);
        for (let i = done; i < ACCOUNT_MIGRATIONS.length; i++) this.db.exec(ACCOUNT_MIGRATIONS[i]!);
        if (done < ACCOUNT_MIGRATIONS.length) this.db.pragma(`user_version = ${ACCOUNT_MIGRATIONS.length}`);
      })
      .immediate();
  }

  async countUsers(): Promise<number> {
    return this.stmt.countUsers.get()!.n;
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.stmt.listUsers.all().map(userOf);
  }

  async findUser(name: string): Promise<UserRecord | null> {
    const row = this.stmt.findUser.get(nameKey(name));
    return row ? userOf(row) : null;
  }

  async getUser(id: number): Promise<UserRecord | null> {
    const row = this.stmt.getUser.get(id);
    return row ? userOf(row) : null;
  }

  async addUser(input: NewUser, options: { onlyIfNone?: boolean } = {}): Promise<AddUserOutcome> {
    return this.db
      .transaction((): AddUserOutcome => {
        if (options.onlyIfNone && this.stmt.countUsers.get()!.n > 0) return { kind: 'not_first' };
        if (this.stmt.findUser.get(nameKey(input.name))) return { kind: 'exists' };
        const row = this.stmt.insertUser.get(input.name, nameKey(input.name), input.role, input.passwordHash, input.createdAt)!;
        return { kind: 'added', user: userOf(row) };
      })
      .immediate();
  }

  async updateUser(id: number, change: UserChange): Promise<UserOutcome> {
    return this.db
      .transaction((): UserOutcome => {
        const row = this.stmt.getUser.get(id);
        if (!row) return { kind: 'missing' };
        if (change.role !== undefined && change.role !== 'admin' && row.role === 'admin' && this.stmt.countAdmins.get(id)!.n === 0) {
          return { kind: 'last_admin' };
        }
        if (change.role !== undefined) this.stmt.setRole.run(change.role, id);
        if (change.passwordHash !== undefined) this.stmt.setPassword.run(change.passwordHash, id);
        return { kind: 'done', user: userOf(this.stmt.getUser.get(id)!) };
      })
      .immediate();
  }

  async touchUser(id: number, lastSeenAt: string): Promise<void> {
    this.stmt.touchUser.run(lastSeenAt, id);
  }

  async removeUser(id: number): Promise<UserOutcome> {
    return this.db
      .transaction((): UserOutcome => {
        const row = this.stmt.getUser.get(id);
        if (!row) return { kind: 'missing' };
        if (row.role === 'admin' && this.stmt.countAdmins.get(id)!.n === 0) return { kind: 'last_admin' };
        // Sessions and invite links go with the user (ON DELETE CASCADE).
        this.stmt.deleteUser.run(id);
        return { kind: 'done', user: userOf(row) };
      })
      .immediate();
  }

  async addSession(session: SessionRecord): Promise<void> {
    this.stmt.insertSession.run(session.idHash, session.createdAt, session.expiresAtMs, session.userId);
  }

  async getSession(idHash: string): Promise<SessionRecord | null> {
    const row = this.stmt.getSession.get(idHash);
    return row ? { idHash: row.id_hash, userId: row.user_id, createdAt: row.created_at, expiresAtMs: row.expires_at_ms } : null;
  }

  async extendSession(idHash: string, expiresAtMs: number): Promise<void> {
    this.stmt.extendSession.run(expiresAtMs, idHash);
  }

  async removeSession(idHash: string): Promise<boolean> {
    return this.stmt.deleteSession.run(idHash).changes > 0;
  }

  async removeExpiredSessions(nowMs: number): Promise<number> {
    return this.stmt.deleteExpired.run(nowMs).changes;
  }

  async addToken(token: TokenRecord): Promise<'added' | 'exists'> {
    const result = this.stmt.insertToken.run(
      token.id,
      token.name,
      nameKey(token.name),
      token.role,
      token.secretHash,
      token.createdAt,
      token.createdBy,
      token.lastUsedAt,
    );
    return result.changes > 0 ? 'added' : 'exists';
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.stmt.listTokens.all().map(tokenOf);
  }

  async getToken(id: string): Promise<TokenRecord | null> {
    const row = this.stmt.getToken.get(id);
    return row ? tokenOf(row) : null;
  }

  async findTokenBySecret(secretHash: string): Promise<TokenRecord | null> {
    const row = this.stmt.findToken.get(secretHash);
    return row ? tokenOf(row) : null;
  }

  async touchToken(id: string, lastUsedAt: string): Promise<void> {
    this.stmt.touchToken.run(lastUsedAt, id);
  }

  async removeToken(id: string): Promise<boolean> {
    return this.stmt.deleteToken.run(id).changes > 0;
  }

  async addLink(link: LinkRecord): Promise<void> {
    this.stmt.insertLink.run(link.hash, link.kind, link.userId, link.expiresAtMs);
  }

  async getLink(hash: string, nowMs: number): Promise<LinkRecord | null> {
    const row = this.stmt.getLink.get(hash, nowMs);
    return row ? { hash: row.hash, kind: row.kind, userId: row.user_id, expiresAtMs: row.expires_at_ms } : null;
  }

  async takeLink(hash: string, nowMs: number): Promise<LinkRecord | null> {
    return this.db
      .transaction(() => {
        const row = this.stmt.getLink.get(hash, nowMs);
        this.stmt.deleteLink.run(hash);
        return row ? { hash: row.hash, kind: row.kind, userId: row.user_id, expiresAtMs: row.expires_at_ms } : null;
      })
      .immediate();
  }

  async removeLinks(kind: LinkRecord['kind'], userId: number | null): Promise<void> {
    if (userId === null) this.stmt.deleteLinksOfKind.run(kind);
    else this.stmt.deleteLinksOfUser.run(kind, userId);
  }

  async appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    return this.stmt.insertAudit.get(entry.at, entry.kind, entry.actor, entry.subject, entry.address, entry.detail)!;
  }

  async listAudit(limit: number, before: number | null): Promise<AuditEntry[]> {
    return this.stmt.listAudit.all(before ?? Number.MAX_SAFE_INTEGER, limit);
  }

  async getSetting(key: string): Promise<string | null> {
    return this.stmt.getSetting.get(key)?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.stmt.setSetting.run(key, value);
  }

  /** Changes only when another connection commits: exactly "the CLI wrote something". */
  async changeStamp(): Promise<number> {
    return this.stmt.dataVersion.get() as number;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

