import type { AuditKind } from '../../../protocol/auth.js';
import { ApiError } from '../../api/http-client.js';

/** What to tell an admin whose change was refused. */
export function adminErrorText(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Try again.';
  switch (error.code) {
    case 'already_exists':
      return 'That name is taken already.';
    case 'last_admin':
      return 'This would leave no admin: make someone else an admin first.';
    case 'forbidden':
      return 'Only admins may do this.';
    case 'unauthenticated':
      return 'Your session ended: sign in again.';
    default:
      return error.message || 'Something went wrong. Try again.';
  }
}

/** "2026-12-02 14:05" in the viewer's time zone; the raw value when it is not a date. */
export function formatWhen(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const AUDIT_COPY: Record<AuditKind, string> = {
  setup: 'Created the admin account',
  sign_in: 'Signed in',
  sign_in_failed: 'Failed sign-in',
  sign_in_throttled: 'Sign-in throttled',
  sign_out: 'Signed out',
  user_added: 'Added user',
  user_removed: 'Removed user',
  role_changed: 'Changed role',
  password_set: 'Set password',
  invite_issued: 'Issued invite link',
  token_created: 'Created token',
  token_revoked: 'Revoked token',
  token_used: 'Used token',
  proxy_user_created: 'Created user from proxy',
};

/** Entries that tell of something refused or suspicious. */
export const AUDIT_WARN: ReadonlySet<AuditKind> = new Set(['sign_in_failed', 'sign_in_throttled']);
