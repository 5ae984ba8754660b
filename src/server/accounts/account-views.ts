import type { ApiToken, User } from '../../protocol/auth.js';
import type { TokenRecord, UserRecord } from './account-store.js';

/** Records as the wire shows them: no hashes, ever. */
export function userView(user: UserRecord): User {
  return { name: user.name, role: user.role, created_at: user.createdAt, has_password: user.passwordHash !== null, last_seen_at: user.lastSeenAt };
}

export function tokenView(token: TokenRecord): ApiToken {
  return { id: token.id, name: token.name, role: token.role, created_at: token.createdAt, created_by: token.createdBy, last_used_at: token.lastUsedAt };
}
