import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can } from '../../src/server/accounts/permissions.js';
import { installAccessCheck } from '../../src/server/http/auth/access-check.js';
import { resolveAccess } from '../../src/server/http/auth/access-options.js';
import { ruleOf } from '../../src/server/http/auth/route-rules.js';
import { startAuthServer, type AuthServer } from './support/auth-server.js';

/**
 * The route × role matrix (issue 10): every route the server registered (as the access check's
 * onRoute hook saw it), called by nobody, a viewer, a labeler and an admin (session cookies from a
 * page of this origin) and a worker token, against what route-rules.ts says. "Allowed" means any
 * answer but 401 and 403: the requests carry no valid body, so most answer 400 or 404.
 */
type Caller = 'anonymous' | 'viewer' | 'labeler' | 'admin' | 'worker';
const CALLERS: Caller[] = ['anonymous', 'viewer', 'labeler', 'admin', 'worker'];

let t: AuthServer;
const credentials = new Map<Caller, Record<string, string>>();
beforeAll(async () => {
  t = await startAuthServer({ rateLimits: false });
  credentials.set('anonymous', { origin: t.url });
  for (const role of ['viewer', 'labeler', 'admin'] as const) credentials.set(role, { origin: t.url, cookie: await t.signIn(`${role}-person`, role) });
  credentials.set('worker', { authorization: `Bearer ${await t.token('worker', 'worker')}` });
});
afterAll(() => t.close());

function concrete(url: string): string {
  return url.replace('/*', '/assets/app.js').replace(':name', 'nobody').replace(':id', 'nope');
}

describe('route × role matrix', () => {
  it('covers the routes of every area', () => {
    const routes = new Set(t.server.services.access.routes.map((r) => `${r.method} ${r.url}`));
    for (const route of ['GET /folders', 'PATCH /item', 'GET /events', 'PUT /metrics', 'PUT /views', 'GET /admin/users', 'POST /auth/login', 'GET /*', 'GET /og-image', 'POST /stats', 'PUT /assignments', 'GET /assignments/mine', 'PUT /settings']) {
      expect(routes).toContain(route);
    }
  });

  it('answers 401 to nobody, 403 to a role without the permission, and lets the rest through, on every route', async () => {
    const failures: string[] = [];
    // Signing out ends the callers' sessions: last.
    const routes = [...t.server.services.access.routes].sort((a, b) => Number(a.url === '/auth/logout') - Number(b.url === '/auth/logout'));
    for (const { method, url } of routes) {
      if (method === 'HEAD') continue; // follows GET
      const rule = ruleOf(method, url)!;
      for (const caller of CALLERS) {
        const body = method === 'GET' || method === 'DELETE' ? undefined : {};
        const answer = await t.send(method, concrete(url), credentials.get(caller), body);
        let expected: string;
        if (rule === 'public') expected = 'allowed';
        else if (caller === 'anonymous') expected = '401';
        else expected = can(caller, rule) ? 'allowed' : '403';
        const got = answer.status === 401 || answer.status === 403 ? String(answer.status) : 'allowed';
        if (got !== expected) failures.push(`${caller} ${method} ${url} (${rule}): expected ${expected}, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 120)}`);
        if (got === '401') expect(answer.body.error.code).toBe('unauthenticated');
        if (got === '403' && expected === '403') expect(answer.body.error.code).toBe('forbidden');
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);

  // The matrix above checks enforcement against route-rules.ts; this pins the table itself to the
  // issue's roles, so weakening a rule (a write made public, an admin route opened to labelers) fails.
  it('keeps the rule table to the issue\'s roles: public pages and sign-in only, writes for labelers, metrics for workers, management for admins', () => {
    const routes = t.server.services.access.routes.filter((r) => r.method !== 'HEAD');
    const publicRoutes = routes.filter((r) => ruleOf(r.method, r.url) === 'public').map((r) => `${r.method} ${r.url}`);
    expect(publicRoutes.filter((r) => !/^GET \/(|\*|index\.html|setup|invite|signin|admin|health)$/.test(r) && !r.includes(' /auth/')).sort()).toEqual([]);
    const who = (method: string, url: string) => CALLERS.filter((c) => c !== 'anonymous' && can(c, ruleOf(method, url) as never));
    expect(who('GET', '/folders')).toEqual(['viewer', 'labeler', 'admin']);
    expect(who('GET', '/export')).toEqual(['viewer', 'labeler', 'admin']);
    expect(who('POST', '/presence')).toEqual(['viewer', 'labeler', 'admin']);
    for (const [method, url] of [['PUT', '/item'], ['PATCH', '/item'], ['PATCH', '/items'], ['PUT', '/views']]) expect(who(method!, url!)).toEqual(['labeler', 'admin']);
    for (const [method, url] of [['PUT', '/metrics'], ['POST', '/metrics/progress'], ['PUT', '/embeddings']]) expect(who(method!, url!)).toEqual(['admin', 'worker']);
    for (const r of routes.filter((r) => r.url.startsWith('/admin/'))) expect(who(r.method, r.url)).toEqual(['admin']);
    // Issue 14 (PR5, PR6): admins read and set what counts as labeled and who works on what; everyone
    // who browses sees stats, whoever exports gets the per-day CSV, and labelers get their own work.
    for (const [method, url] of [['GET', '/settings'], ['PUT', '/settings'], ['GET', '/assignments'], ['PUT', '/assignments']]) expect(who(method!, url!)).toEqual(['admin']);
    expect(who('POST', '/stats')).toEqual(['viewer', 'labeler', 'admin']);
    expect(who('GET', '/stats/export')).toEqual(['viewer', 'labeler', 'admin']);
    expect(who('GET', '/assignments/mine')).toEqual(['labeler', 'admin']);
  });

  it('a route registered without a rule fails at startup', async () => {
    const app = Fastify();
    installAccessCheck(app, resolveAccess('127.0.0.1'), null);
    expect(() => app.get('/no-rule-for-this', async () => 'x')).toThrow(/no access rule for GET \/no-rule-for-this/);
    await app.close();
  });
});
