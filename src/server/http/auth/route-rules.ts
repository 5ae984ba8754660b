import type { Permission } from '../../accounts/permissions.js';

/**
 * THE table of who may call what: every registered METHOD + route pattern names one permission
 * (accounts/permissions.ts says which roles hold it), or `public`. A route registered without a
 * rule fails at startup (access-check.ts); test/auth/route-matrix.test.ts walks every route with
 * every role. HEAD follows GET.
 */
export type RouteRule = Permission | 'public';

export const ROUTE_RULES: Readonly<Record<string, RouteRule>> = {
  // The web app's pages and assets, and what a signed-out page needs to sign in.
  'GET /': 'public',
  'GET /index.html': 'public',
  'GET /*': 'public',
  'GET /setup': 'public',
  'GET /invite': 'public',
  'GET /signin': 'public',
  'GET /admin': 'public',
  'GET /health': 'public',
  'GET /auth/me': 'public',
  'POST /auth/login': 'public',
  'POST /auth/logout': 'public',
  'POST /auth/setup': 'public',
  'GET /auth/invite': 'public',
  'POST /auth/invite': 'public',

  'GET /folders': 'browse',
  'GET /search': 'browse',
  'GET /file': 'browse',
  'GET /thumb': 'browse',
  'GET /preview': 'browse',
  'GET /og-image': 'browse',
  'GET /metadata': 'browse',
  'GET /item': 'browse',
  'GET /item/history': 'browse',
  'POST /query': 'browse',
  'POST /histogram': 'browse',
  'POST /duplicates': 'browse',
  'GET /metrics/fields': 'browse',
  'GET /views': 'browse',
  'POST /stats': 'browse',
  'GET /activity': 'browse',
  'GET /embeddings': 'browse',
  'POST /similar': 'browse',
  'GET /events': 'browse',
  'GET /export': 'export',
  'GET /stats/export': 'export',
  'POST /export/comparison': 'export',
  'GET /presence': 'presence',
  'POST /presence': 'presence',
  'POST /presence/leave': 'presence',

  'PUT /item': 'label',
  'PATCH /item': 'label',
  'PATCH /items': 'label',
  // A rescan changes what everyone sees: the people who may change labels may ask for one.
  'POST /refresh': 'label',
  // Own smart folders; which of them a role may change (shared ones: admins) the views service decides.
  'PUT /views': 'own_views',
  'PUT /metrics': 'metrics',
  // The caller's own share of the assigned work: the people who label.
  'GET /assignments/mine': 'label',
  // Vectors come from the same external workers as metrics: admins and worker tokens.
  'PUT /embeddings': 'metrics',
  'POST /metrics/progress': 'progress',

  // What counts as labeled, and who works on what (issue 14): admins read and set both.
  'GET /settings': 'admin',
  'PUT /settings': 'admin',
  'GET /assignments': 'admin',
  'PUT /assignments': 'admin',

  'GET /admin/users': 'admin',
  'POST /admin/users': 'admin',
  'PATCH /admin/users': 'admin',
  'DELETE /admin/users': 'admin',
  'PATCH /admin/users/:name': 'admin',
  'DELETE /admin/users/:name': 'admin',
  'GET /admin/tokens': 'admin',
  'POST /admin/tokens': 'admin',
  'DELETE /admin/tokens': 'admin',
  'DELETE /admin/tokens/:id': 'admin',
  'GET /admin/audit': 'admin',
};

export function ruleOf(method: string, route: string): RouteRule | undefined {
  return ROUTE_RULES[`${method === 'HEAD' ? 'GET' : method} ${route}`];
}
