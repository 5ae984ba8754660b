import { userNameSchema, type AuditEntry, type AuditKind, type UserRole } from '../../protocol/auth.js';
import { AppError } from '../app-error.js';
import type { AccountStore, UserRecord } from './account-store.js';
import { PrincipalCache } from './principal-cache.js';
import type { Principal } from './principal.js';
import { burnPasswordCheck, hashPassword, newSecret, secretHash, verifyPassword } from './secrets.js';
import { SignInThrottle } from './sign-in-throttle.js';

export interface AccountServiceOptions {
  store: AccountStore;
  now?: () => number;
  /** Sliding session lifetime. Default 30 days. */
  sessionTtlMs?: number;
  throttle?: SignInThrottle;
}

/** Who did an account change and from where, for the audit log. */
export interface Actor {
  name: string | null;
  address: string | null;
}

export interface SignedIn {
  /** The session cookie's value; the store keeps only its hash. */
  secret: string;
  principal: Principal;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
export const SETUP_LINK_TTL_MS = DAY_MS;
export const INVITE_LINK_TTL_MS = 7 * DAY_MS;

/**
 * Sign-in, sessions, API tokens and proxy users over an AccountStore (rules AS1… in SPEC.md). The
 * principal of a session or token is cached, so an authenticated request costs a hash and a map
 * lookup; the cache is dropped on every account change, and `changeStamp()` catches the CLI's.
 * Listeners of `onChange` hear of every change that may end someone's access (SSE streams close).
 */
export class AccountService {
  readonly store: AccountStore;
  private readonly now: () => number;
  private readonly sessionTtlMs: number;
  private readonly throttle: SignInThrottle;
  private readonly cache = new PrincipalCache();
  private readonly listeners = new Set<() => void>();
  /** When each token's use was last audited, and each throttled key last noted. */
  private readonly tokenAudited = new Map<string, number>();
  private readonly throttleNoted = new Map<string, number>();
  private stamp: number | null = null;
  private watcher: NodeJS.Timeout | undefined;

  constructor(options: AccountServiceOptions) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.sessionTtlMs = options.sessionTtlMs ?? 30 * DAY_MS;
    this.throttle = options.throttle ?? new SignInThrottle();
  }

  /** Checks for other processes' changes every `intervalMs`, so their streams close within it. */
  watch(intervalMs = 1000): void {
    this.watcher ??= setInterval(() => void this.syncWithStore().catch(() => undefined), intervalMs);
    this.watcher.unref();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.watcher);
    await this.store.close();
  }

  // --- who a request is -------------------------------------------------------------------------

  async sessionPrincipal(secret: string): Promise<Principal | null> {
    await this.syncWithStore();
    const hash = secretHash(secret);
    const now = this.now();
    let entry = this.cache.get(`s:${hash}`);
    if (!entry) {
      const session = await this.store.getSession(hash);
      const user = session && (await this.store.getUser(session.userId));
      if (!session || !user) return null;
      const principal: Principal = { kind: 'user', name: user.name, role: user.role, userId: user.id, sessionId: hash, tokenId: null };
      entry = { principal, expiresAtMs: session.expiresAtMs, extendAfterMs: session.expiresAtMs - this.sessionTtlMs + HOUR_MS };
      this.cache.set(`s:${hash}`, entry);
    }
    if (entry.expiresAtMs <= now) {
      this.cache.delete(`s:${hash}`);
      await this.store.removeSession(hash);
      return null;
    }
    // Sliding expiry, written at most once an hour per session rather than on every request.
    if (now >= entry.extendAfterMs) {
      entry.expiresAtMs = now + this.sessionTtlMs;
      entry.extendAfterMs = now + HOUR_MS;
      await this.store.extendSession(hash, entry.expiresAtMs);
      await this.store.touchUser(entry.principal.userId!, new Date(now).toISOString());
    }
    return entry.principal;
  }

  async tokenPrincipal(secret: string, address: string | null): Promise<Principal | null> {
    await this.syncWithStore();
    const hash = secretHash(secret);
    let entry = this.cache.get(`t:${hash}`);
    if (!entry) {
      const token = await this.store.findTokenBySecret(hash);
      if (!token) return null;
      const principal: Principal = { kind: 'token', name: token.name, role: token.role, userId: null, sessionId: null, tokenId: token.id };
      entry = { principal, expiresAtMs: Number.POSITIVE_INFINITY, extendAfterMs: Number.POSITIVE_INFINITY };
      this.cache.set(`t:${hash}`, entry);
    }
    const { principal } = entry;
    const now = this.now();
    // At most one `token_used` an hour per token: a worker's every request would flood the log.
    if (now - (this.tokenAudited.get(principal.tokenId!) ?? Number.NEGATIVE_INFINITY) >= HOUR_MS) {
      this.tokenAudited.set(principal.tokenId!, now);
      await this.store.touchToken(principal.tokenId!, new Date(now).toISOString());
      await this.audit('token_used', { name: principal.name, address }, principal.name);
    }
    return principal;
  }

  /** The user a trusted proxy names, created with `defaultRole` on first sight; null for a name we can't take. */
  async proxyPrincipal(name: string, defaultRole: UserRole, address: string | null): Promise<Principal | null> {
    if (!userNameSchema.safeParse(name).success) return null;
    await this.syncWithStore();
    const cached = this.cache.get(`p:${name}`);
    if (cached) return cached.principal;
    let user = await this.store.findUser(name);
    if (!user) {
      const outcome = await this.store.addUser({ name, role: defaultRole, passwordHash: null, createdAt: this.iso() });
      user = outcome.kind === 'added' ? outcome.user : await this.store.findUser(name);
      if (!user) return null;
      if (outcome.kind === 'added') await this.audit('proxy_user_created', { name: 'proxy', address }, name, defaultRole);
    }
    const principal: Principal = { kind: 'proxy', name: user.name, role: user.role, userId: user.id, sessionId: null, tokenId: null };
    this.cache.set(`p:${name}`, { principal, expiresAtMs: Number.POSITIVE_INFINITY, extendAfterMs: Number.POSITIVE_INFINITY });
    return principal;
  }

  /** Whether a principal still holds, with the same role: its SSE stream closes otherwise. */
  async stillValid(principal: Principal): Promise<boolean> {
    switch (principal.kind) {
      case 'local':
      case 'open':
        return true;
      case 'token': {
        const token = await this.store.getToken(principal.tokenId!);
        return token !== null && token.role === principal.role;
      }
      case 'user': {
        const session = await this.store.getSession(principal.sessionId!);
        if (!session || session.expiresAtMs <= this.now()) return false;
        return (await this.store.getUser(principal.userId!))?.role === principal.role;
      }
      case 'proxy':
        return (await this.store.getUser(principal.userId!))?.role === principal.role;
    }
  }

  // --- signing in ---------------------------------------------------------------------------------

  async login(username: string, password: string, address: string | null): Promise<SignedIn> {
    const keys = [`user:${username.normalize('NFC').toLowerCase()}`, `ip:${address ?? '?'}`];
    const wait = this.throttle.retryAfterS(keys, this.now());
    if (wait > 0) {
      await this.noteThrottled(keys, username, address);
      throw new AppError('rate_limited', `too many failed sign-ins: try again in ${wait} s`, { retry_after_s: wait });
    }
    const user = await this.store.findUser(username);
    let ok = false;
    if (user?.passwordHash) ok = await verifyPassword(password, user.passwordHash);
    else await burnPasswordCheck(password);
    if (!user || !ok) {
      this.throttle.fail(keys, this.now());
      await this.audit('sign_in_failed', { name: null, address }, username.slice(0, 64));
      throw new AppError('invalid_credentials', 'wrong user name or password');
    }
    this.throttle.clear(keys[0]!);
    await this.audit('sign_in', { name: user.name, address }, user.name);
    return this.startSession(user);
  }

  async logout(secret: string, address: string | null): Promise<void> {
    const hash = secretHash(secret);
    const session = await this.store.getSession(hash);
    if (!session || !(await this.store.removeSession(hash))) return;
    const user = await this.store.getUser(session.userId);
    await this.audit('sign_out', { name: user?.name ?? null, address }, user?.name ?? null);
    this.changed();
  }

  async setupRequired(): Promise<boolean> {
    return (await this.store.countUsers()) === 0;
  }

  /** A fresh one-time setup link (earlier ones stop working), or null once a user exists (AS5). */
  async issueSetupLink(): Promise<string | null> {
    if (!(await this.setupRequired())) return null;
    const secret = newSecret();
    await this.store.removeLinks('setup', null);
    await this.store.addLink({ hash: secretHash(secret), kind: 'setup', userId: null, expiresAtMs: this.now() + SETUP_LINK_TTL_MS });
    return secret;
  }

  async completeSetup(token: string, username: string, password: string, address: string | null): Promise<SignedIn> {
    const link = await this.store.takeLink(secretHash(token), this.now());
    if (link?.kind !== 'setup') throw new AppError('invalid_link', 'this setup link is unknown, used or expired');
    const outcome = await this.store.addUser({ name: username, role: 'admin', passwordHash: await hashPassword(password), createdAt: this.iso() }, { onlyIfNone: true });
    if (outcome.kind !== 'added') throw new AppError('invalid_link', 'setup is done already: sign in instead');
    await this.audit('setup', { name: username, address }, username, 'admin');
    return this.startSession(outcome.user);
  }

  /** Whose invite a link is, without using it up. */
  async inviteInfo(token: string): Promise<{ name: string; role: UserRole }> {
    const user = await this.invitedUser(token, false);
    return { name: user.name, role: user.role };
  }

  async acceptInvite(token: string, password: string, address: string | null): Promise<SignedIn> {
    const user = await this.invitedUser(token, true);
    const outcome = await this.store.updateUser(user.id, { passwordHash: await hashPassword(password) });
    if (outcome.kind !== 'done') throw new AppError('invalid_link', 'this invite is for a user who no longer exists');
    await this.audit('password_set', { name: user.name, address }, user.name, 'invite');
    return this.startSession(outcome.user);
  }

  /** A one-time invite link's secret for a user (earlier invites of theirs stop working). */
  async issueInvite(user: UserRecord, actor: Actor): Promise<string> {
    const secret = newSecret();
    await this.store.removeLinks('invite', user.id);
    await this.store.addLink({ hash: secretHash(secret), kind: 'invite', userId: user.id, expiresAtMs: this.now() + INVITE_LINK_TTL_MS });
    await this.audit('invite_issued', actor, user.name);
    return secret;
  }

  private async invitedUser(token: string, use: boolean): Promise<UserRecord> {
    const hash = secretHash(token);
    const link = use ? await this.store.takeLink(hash, this.now()) : await this.store.getLink(hash, this.now());
    const user = link?.kind === 'invite' && link.userId !== null ? await this.store.getUser(link.userId) : null;
    if (!user) throw new AppError('invalid_link', 'this invite link is unknown, used or expired');
    return user;
  }

  private async startSession(user: UserRecord): Promise<SignedIn> {
    const secret = newSecret();
    const now = this.now();
    const hash = secretHash(secret);
    await this.store.addSession({ idHash: hash, userId: user.id, createdAt: new Date(now).toISOString(), expiresAtMs: now + this.sessionTtlMs });
    await this.store.touchUser(user.id, new Date(now).toISOString());
    return { secret, principal: { kind: 'user', name: user.name, role: user.role, userId: user.id, sessionId: hash, tokenId: null } };
  }

  private async noteThrottled(keys: string[], username: string, address: string | null): Promise<void> {
    const now = this.now();
    const key = keys.join('|');
    // Once a minute per user and address: a flood of throttled attempts must not flood the log too.
    if (now - (this.throttleNoted.get(key) ?? Number.NEGATIVE_INFINITY) < 60_000) return;
    this.throttleNoted.set(key, now);
    if (this.throttleNoted.size > 10_000) this.throttleNoted.delete(this.throttleNoted.keys().next().value!);
    await this.audit('sign_in_throttled', { name: null, address }, username.slice(0, 64));
  }

  // --- shared by the admin operations (account-admin.ts) -------------------------------------------

  async audit(kind: AuditKind, actor: Actor, subject: string | null, detail: string | null = null): Promise<AuditEntry> {
    return this.store.appendAudit({ at: this.iso(), kind, actor: actor.name, subject, address: actor.address, detail });
  }

  /** After a change that may end or alter someone's access: drop the cache, tell the listeners. */
  changed(): void {
    this.cache.clear();
    for (const listener of this.listeners) listener();
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Another process wrote (AS6): what we cached may be stale. */
  private async syncWithStore(): Promise<void> {
    const stamp = await this.store.changeStamp();
    if (this.stamp === stamp) return;
    const first = this.stamp === null;
    this.stamp = stamp;
    if (!first) this.changed();
  }
}

