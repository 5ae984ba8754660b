import type { AuditEntry, TokenRole, UserRole } from '../../protocol/auth.js';

/**
 * Users, sessions, API tokens, one-time links and the audit log of a workspace (rules AC1… in
 * SPEC.md). Async because a PostgreSQL store (issue 11) will implement it too; the SQLite store is
 * synchronous underneath. Secrets never reach a store: sessions, tokens and links are kept by the
 * SHA-256 of their secret, passwords as scrypt hashes (accounts/secrets.ts).
 */
export interface AccountStore {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  /** The file, for messages; null in memory. */
  readonly location: string | null;

  countUsers(): Promise<number>;
  listUsers(): Promise<UserRecord[]>;
  /** By name, case-insensitively (AC2). */
  findUser(name: string): Promise<UserRecord | null>;
  getUser(id: number): Promise<UserRecord | null>;
  /** `onlyIfNone`: refused (`not_first`) once any user exists, in the same transaction (AC3). */
  addUser(input: NewUser, options?: { onlyIfNone?: boolean }): Promise<AddUserOutcome>;
  /** A role change that would leave no admin is refused (AC4). */
  updateUser(id: number, change: UserChange): Promise<UserOutcome>;
  touchUser(id: number, lastSeenAt: string): Promise<void>;
  /** Removes the user with their sessions and links; the last admin is refused (AC4, AC5). */
  removeUser(id: number): Promise<UserOutcome>;

  addSession(session: SessionRecord): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | null>;
  extendSession(idHash: string, expiresAtMs: number): Promise<void>;
  removeSession(idHash: string): Promise<boolean>;
  removeExpiredSessions(nowMs: number): Promise<number>;

  /** Token names are unique (AC6). */
  addToken(token: TokenRecord): Promise<'added' | 'exists'>;
  listTokens(): Promise<TokenRecord[]>;
  getToken(id: string): Promise<TokenRecord | null>;
  findTokenBySecret(secretHash: string): Promise<TokenRecord | null>;
  touchToken(id: string, lastUsedAt: string): Promise<void>;
  removeToken(id: string): Promise<boolean>;

  addLink(link: LinkRecord): Promise<void>;
  /** A link without using it up; null when unknown or expired. */
  getLink(hash: string, nowMs: number): Promise<LinkRecord | null>;
  /** Uses a link up: returns it once, null when unknown, used or expired (AC7). */
  takeLink(hash: string, nowMs: number): Promise<LinkRecord | null>;
  /** Drops every link of a kind (and of a user, for invites). */
  removeLinks(kind: LinkRecord['kind'], userId: number | null): Promise<void>;

  appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry>;
  /** Newest first, ids below `before` when given (AC8). */
  listAudit(limit: number, before: number | null): Promise<AuditEntry[]>;

  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;

  /**
   * A number that changes whenever another process (the CLI) has committed a change since the
   * last call, so a server drops what it cached (AC9). The store's own writes need not change it.
   */
  changeStamp(): Promise<number>;
  close(): Promise<void>;
}

export interface UserRecord {
  id: number;
  name: string;
  role: UserRole;
  /** Null while an invite is pending (or for proxy users, who never sign in here). */
  passwordHash: string | null;
  createdAt: string;
  lastSeenAt: string | null;
}

export interface NewUser {
  name: string;
  role: UserRole;
  passwordHash: string | null;
  createdAt: string;
}

export interface UserChange {
  role?: UserRole;
  passwordHash?: string;
}

export type AddUserOutcome = { kind: 'added'; user: UserRecord } | { kind: 'exists' } | { kind: 'not_first' };
export type UserOutcome = { kind: 'done'; user: UserRecord } | { kind: 'missing' } | { kind: 'last_admin' };

export interface SessionRecord {
  idHash: string;
  userId: number;
  createdAt: string;
  expiresAtMs: number;
}

export interface TokenRecord {
  id: string;
  name: string;
  role: TokenRole;
  secretHash: string;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
}

export interface LinkRecord {
  hash: string;
  kind: 'setup' | 'invite';
  /** The invited user; null for the setup link. */
  userId: number | null;
  expiresAtMs: number;
}

/** Names are unique case-insensitively ("Ana" and "ana" are one person). */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** The setting holding the URL the last server on this workspace listened on (for the CLI's invite links). */
export const SERVER_URL_SETTING = 'server_url';
