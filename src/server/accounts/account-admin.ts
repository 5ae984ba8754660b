import type { ApiToken, AuditEntry, TokenRole, User, UserRole } from '../../protocol/auth.js';
import { AppError } from '../app-error.js';
import type { UserRecord } from './account-store.js';
import type { AccountService, Actor } from './account-service.js';
import { tokenView, userView } from './account-views.js';
import { hashPassword, newSecret, newTokenId, secretHash } from './secrets.js';

/** A user and, when one was issued, the secret of their one-time invite link. */
export interface UserWithInvite {
  user: User;
  invite: string | null;
}

/**
 * Managing users and tokens: the same operations behind `/admin/*` and `lenslet users|tokens`.
 * Every change is audited, and every change that may end someone's access tells the service,
 * which drops its cache and closes the streams it no longer admits.
 */
export class AccountAdmin {
  constructor(private readonly accounts: AccountService) {}

  private get store() {
    return this.accounts.store;
  }

  async listUsers(): Promise<User[]> {
    return (await this.store.listUsers()).map(userView);
  }

  /** Without a password the user gets an invite link to set one. */
  async addUser(input: { name: string; role: UserRole; password?: string }, actor: Actor): Promise<UserWithInvite> {
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
    const outcome = await this.store.addUser({ name: input.name, role: input.role, passwordHash, createdAt: this.accounts.iso() });
    if (outcome.kind !== 'added') throw new AppError('already_exists', `a user named ${JSON.stringify(input.name)} exists already`);
    await this.accounts.audit('user_added', actor, outcome.user.name, input.role);
    const invite = passwordHash === null ? await this.accounts.issueInvite(outcome.user, actor) : null;
    return { user: userView(outcome.user), invite };
  }

  async updateUser(name: string, change: { role?: UserRole; password?: string; invite?: boolean }, actor: Actor): Promise<UserWithInvite> {
    let user = await this.requireUser(name);
    const passwordHash = change.password === undefined ? undefined : await hashPassword(change.password);
    if (change.role !== undefined || passwordHash !== undefined) {
      const outcome = await this.store.updateUser(user.id, { role: change.role, passwordHash });
      if (outcome.kind === 'missing') throw notFound(name);
      if (outcome.kind === 'last_admin') throw lastAdmin();
      if (change.role !== undefined && change.role !== user.role) await this.accounts.audit('role_changed', actor, user.name, `${user.role} → ${change.role}`);
      if (passwordHash !== undefined) await this.accounts.audit('password_set', actor, user.name);
      user = outcome.user;
      this.accounts.changed();
    }
    const invite = change.invite ? await this.accounts.issueInvite(user, actor) : null;
    return { user: userView(user), invite };
  }

  async removeUser(name: string, actor: Actor): Promise<void> {
    const user = await this.requireUser(name);
    const outcome = await this.store.removeUser(user.id);
    if (outcome.kind === 'missing') throw notFound(name);
    if (outcome.kind === 'last_admin') throw lastAdmin();
    await this.accounts.audit('user_removed', actor, user.name);
    this.accounts.changed();
  }

  async listTokens(): Promise<ApiToken[]> {
    return (await this.store.listTokens()).map(tokenView);
  }

  /** The secret is returned once; the store keeps its hash. */
  async createToken(name: string, role: TokenRole, actor: Actor): Promise<{ token: ApiToken; secret: string }> {
    const secret = newSecret('lsl_');
    const record = { id: newTokenId(), name, role, secretHash: secretHash(secret), createdAt: this.accounts.iso(), createdBy: actor.name, lastUsedAt: null };
    if ((await this.store.addToken(record)) === 'exists') throw new AppError('already_exists', `a token named ${JSON.stringify(name)} exists already`);
    await this.accounts.audit('token_created', actor, name, role);
    return { token: tokenView(record), secret };
  }

  /** By id, or by name when no token has that id. */
  async revokeToken(idOrName: string, actor: Actor): Promise<void> {
    const tokens = await this.store.listTokens();
    const token = tokens.find((t) => t.id === idOrName) ?? tokens.find((t) => t.name.toLowerCase() === idOrName.toLowerCase());
    if (!token || !(await this.store.removeToken(token.id))) throw new AppError('not_found', `no token ${JSON.stringify(idOrName)}`);
    await this.accounts.audit('token_revoked', actor, token.name);
    this.accounts.changed();
  }

  async auditLog(limit: number, before: number | null): Promise<{ entries: AuditEntry[]; next_before: number | null }> {
    const entries = await this.store.listAudit(limit, before);
    return { entries, next_before: entries.length === limit ? entries[entries.length - 1]!.id : null };
  }

  private async requireUser(name: string): Promise<UserRecord> {
    const user = await this.store.findUser(name);
    if (!user) throw notFound(name);
    return user;
  }
}

function notFound(name: string): AppError {
  return new AppError('not_found', `no user named ${JSON.stringify(name)}`);
}

function lastAdmin(): AppError {
  return new AppError('last_admin', 'this would leave no admin: make someone else an admin first');
}
