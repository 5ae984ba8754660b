import type { TokenRole } from '../../protocol/auth.js';

/**
 * What each role may do (issue 10): a viewer browses, exports and shows presence; a labeler also
 * labels and keeps their own smart folders; an admin also edits shared smart folders, ingests
 * metrics and manages users and tokens. A `worker` token only ingests metrics and reports progress.
 * http/auth/route-rules.ts maps every route to one of these.
 */
export const PERMISSIONS = ['browse', 'export', 'presence', 'label', 'own_views', 'shared_views', 'metrics', 'progress', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: readonly Permission[] = ['browse', 'export', 'presence'];
const LABELER: readonly Permission[] = [...VIEWER, 'label', 'own_views'];

export const ROLE_PERMISSIONS: Record<TokenRole, ReadonlySet<Permission>> = {
  viewer: new Set(VIEWER),
  labeler: new Set(LABELER),
  admin: new Set([...LABELER, 'shared_views', 'metrics', 'progress', 'admin']),
  worker: new Set(['metrics', 'progress']),
};

export function can(role: TokenRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
