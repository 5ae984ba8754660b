import type { TokenRecord, UserRecord } from './account-store.js';

/** A `users` row as both stores keep it (SQLite `users`, PostgreSQL `lenslet_users`): same columns. */
export interface UserRow {
  id: number;
  name: string;
  role: UserRecord['role'];
  password_hash: string | null;
  created_at: string;
  last_seen_at: string | null;
}

/** A token row as both stores keep it. */
export interface TokenRow {
  id: string;
  name: string;
  role: TokenRecord['role'];
  secret_hash: string;
  created_at: string;
  created_by: string | null;
  last_used_at: string | null;
}

export function userOf(row: UserRow): UserRecord {
  return { id: row.id, name: row.name, role: row.role, passwordHash: row.password_hash, createdAt: row.created_at, lastSeenAt: row.last_seen_at };
}

export function tokenOf(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at,
  };
}
