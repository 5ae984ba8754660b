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

/** Accounts in memory: `--no-write` workspaces and tests. Nothing survives a restart. */
export class MemoryAccountStore implements AccountStore {
  readonly kind = 'memory' as const;
  readonly location = null;

  private readonly users = new Map<number, UserRecord>();
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly links = new Map<string, LinkRecord>();
  private readonly audit: AuditEntry[] = [];
  private readonly settings = new Map<string, string>();
  private nextUserId = 1;

  async countUsers(): Promise<number> {
    return this.users.size;
  }

  async listUsers(): Promise<UserRecord[]> {
    return [...this.users.values()].map(copy).sort((a, b) => a.id - b.id);
  }

  async findUser(name: string): Promise<UserRecord | null> {
    const key = nameKey(name);
    for (const user of this.users.values()) if (nameKey(user.name) === key) return copy(user);
    return null;
  }

  async getUser(id: number): Promise<UserRecord | null> {
    const user = this.users.get(id);
    return user ? copy(user) : null;
  }

  async addUser(input: NewUser, options: { onlyIfNone?: boolean } = {}): Promise<AddUserOutcome> {
    if (options.onlyIfNone && this.users.size > 0) return { kind: 'not_first' };
    if (await this.findUser(input.name)) return { kind: 'exists' };
    const user: UserRecord = { id: this.nextUserId++, ...input, lastSeenAt: null };
    this.users.set(user.id, user);
    return { kind: 'added', user: copy(user) };
  }

  async updateUser(id: number, change: UserChange): Promise<UserOutcome> {
    const user = this.users.get(id);
    if (!user) return { kind: 'missing' };
    if (change.role !== undefined && change.role !== 'admin' && this.isLastAdmin(user)) return { kind: 'last_admin' };
    if (change.role !== undefined) user.role = change.role;
    if (change.passwordHash !== undefined) user.passwordHash = change.passwordHash;
    return { kind: 'done', user: copy(user) };
  }

  async touchUser(id: number, lastSeenAt: string): Promise<void> {
    const user = this.users.get(id);
    if (user) user.lastSeenAt = lastSeenAt;
  }

  async removeUser(id: number): Promise<UserOutcome> {
    const user = this.users.get(id);
    if (!user) return { kind: 'missing' };
    if (this.isLastAdmin(user)) return { kind: 'last_admin' };
    this.users.delete(id);
    for (const [hash, session] of this.sessions) if (session.userId === id) this.sessions.delete(hash);
    for (const [hash, link] of this.links) if (link.userId === id) this.links.delete(hash);
    return { kind: 'done', user: copy(user) };
  }

  private isLastAdmin(user: UserRecord): boolean {
    if (user.role !== 'admin') return false;
    for (const other of this.users.values()) if (other.id !== user.id && other.role === 'admin') return false;
    return true;
  }

  async addSession(session: SessionRecord): Promise<void> {
    if (this.users.has(session.userId)) this.sessions.set(session.idHash, { ...session });
  }

  async getSession(idHash: string): Promise<SessionRecord | null> {
    const session = this.sessions.get(idHash);
    return session ? { ...session } : null;
  }

  async extendSession(idHash: string, expiresAtMs: number): Promise<void> {
    const session = this.sessions.get(idHash);
    if (session) session.expiresAtMs = expiresAtMs;
  }

  async removeSession(idHash: string): Promise<boolean> {
    return this.sessions.delete(idHash);
  }

  async removeExpiredSessions(nowMs: number): Promise<number> {
    let removed = 0;
    for (const [hash, session] of this.sessions) {
      if (session.expiresAtMs <= nowMs) {
        this.sessions.delete(hash);
        removed++;
      }
    }
    return removed;
  }

  async addToken(token: TokenRecord): Promise<'added' | 'exists'> {
    for (const other of this.tokens.values()) if (nameKey(other.name) === nameKey(token.name)) return 'exists';
    this.tokens.set(token.id, { ...token });
    return 'added';
  }

  async listTokens(): Promise<TokenRecord[]> {
    return [...this.tokens.values()].map((t) => ({ ...t })).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  }

  async getToken(id: string): Promise<TokenRecord | null> {
    const token = this.tokens.get(id);
    return token ? { ...token } : null;
  }

  async findTokenBySecret(secretHash: string): Promise<TokenRecord | null> {
    for (const token of this.tokens.values()) if (token.secretHash === secretHash) return { ...token };
    return null;
  }

  async touchToken(id: string, lastUsedAt: string): Promise<void> {
    const token = this.tokens.get(id);
    if (token) token.lastUsedAt = lastUsedAt;
  }

  async removeToken(id: string): Promise<boolean> {
    return this.tokens.delete(id);
  }

  async addLink(link: LinkRecord): Promise<void> {
    this.links.set(link.hash, { ...link });
  }

  async getLink(hash: string, nowMs: number): Promise<LinkRecord | null> {
    const link = this.links.get(hash);
    return link && link.expiresAtMs > nowMs ? { ...link } : null;
  }

  async takeLink(hash: string, nowMs: number): Promise<LinkRecord | null> {
    const link = await this.getLink(hash, nowMs);
    this.links.delete(hash);
    return link;
  }

  async removeLinks(kind: LinkRecord['kind'], userId: number | null): Promise<void> {
    for (const [hash, link] of this.links) if (link.kind === kind && (userId === null || link.userId === userId)) this.links.delete(hash);
  }

  async appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    const stored = { id: this.audit.length + 1, ...entry };
    this.audit.push(stored);
    return { ...stored };
  }

  async listAudit(limit: number, before: number | null): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for (let i = this.audit.length - 1; i >= 0 && out.length < limit; i--) {
      const entry = this.audit[i]!;
      if (before === null || entry.id < before) out.push({ ...entry });
    }
    return out;
  }

  async getSetting(key: string): Promise<string | null> {
    return this.settings.get(key) ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.settings.set(key, value);
  }

  /** No other process can write here. */
  async changeStamp(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {}
}

function copy(user: UserRecord): UserRecord {
  return { ...user };
}
