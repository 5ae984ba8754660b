import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountService } from '../../accounts/account-service.js';
import { can } from '../../accounts/permissions.js';
import { localPrincipal, type Principal } from '../../accounts/principal.js';
import { AppError } from '../../app-error.js';
import type { ResolvedAccess } from './access-options.js';
import { ruleOf } from './route-rules.js';
import { clientAddress, sessionSecret } from './session-cookie.js';


/**
 * The access check: one onRequest hook, after the boundary guards, that decides `request.principal`
 * and enforces ROUTE_RULES (route-rules.ts) for every route, static files and the event stream
 * included. A route registered without a rule fails at startup. In `accounts` and `proxy` mode:
 * no credentials → 401 `unauthenticated`, a role without the permission → 403 `forbidden`, and a
 * state-changing request from no page (no Origin, no Sec-Fetch-Site) needs a Bearer token, so a
 * cookie alone never lets a script write (CSRF).
 */
export function installAccessCheck(app: FastifyInstance, access: ResolvedAccess, accounts: AccountService | null): CheckedRoute[] {
  if ((access.mode === 'accounts' || access.mode === 'proxy') && !accounts) throw new Error(`--access ${access.mode} needs the account store`);
  app.decorateRequest('principal', null);
  const routes: CheckedRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (!ruleOf(method, route.url)) throw new Error(`no access rule for ${method} ${route.url}: add one to http/auth/route-rules.ts`);
      routes.push({ method, url: route.url });
    }
  });
  const fixed = access.mode === 'local' || access.mode === 'open' ? localPrincipal(access.mode) : null;

  app.addHook('onRequest', async (request) => {
    if (fixed) {
      request.principal = fixed;
      return;
    }
    const route = request.routeOptions.url;
    // No route: the 404 answer, which tells nothing.
    const rule = route === undefined ? 'public' : ruleOf(request.method, route);
    const principal = await identify(request, access, accounts!);
    request.principal = principal;
    if (rule === 'public') return;
    if (!principal || !rule) throw new AppError('unauthenticated', 'sign in, or send an API token as Authorization: Bearer <token>');
    if (!can(principal.role, rule)) throw new AppError('forbidden', `the ${principal.role} role may not do this (${rule})`);
  });
  return routes;
}

/** A registered method and route pattern, as the access check saw it. */
export interface CheckedRoute {
  method: string;
  url: string;
}

async function identify(request: FastifyRequest, access: ResolvedAccess, accounts: AccountService): Promise<Principal | null> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    const principal = bearer ? await accounts.tokenPrincipal(bearer, clientAddress(request, access.trusted)) : null;
    if (!principal) throw new AppError('unauthenticated', 'the API token is unknown or revoked');
    return principal;
  }
  if (access.mode === 'proxy') {
    const raw = request.headers[access.proxyUserHeader];
    const name = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (name) {
      // Only the proxy may name the user: anyone else sending the header is lying about who they are.
      if (!access.trusted.has(request.socket.remoteAddress)) throw new AppError('unauthenticated', `${access.proxyUserHeader} is accepted only from a trusted proxy`);
      const principal = await accounts.proxyPrincipal(name, access.proxyDefaultRole, clientAddress(request, access.trusted));
      if (!principal) throw new AppError('unauthenticated', `${access.proxyUserHeader} does not name a valid user`);
      return principal;
    }
  }
  const secret = sessionSecret(request);
  const principal = secret ? await accounts.sessionPrincipal(secret) : null;
  return principal;
}
