import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inviteBodySchema, loginBodySchema, setupBodySchema, type MeResponse } from '../../../protocol/auth.js';
import type { AccountService, SignedIn } from '../../accounts/account-service.js';
import { can } from '../../accounts/permissions.js';
import type { Principal } from '../../accounts/principal.js';
import { stringParam, type Query } from '../query-params.js';
import { parseBody } from '../request-input.js';
import type { ResolvedAccess } from './access-options.js';
import { clearSessionCookie, clientAddress, sessionSecret, setSessionCookie } from './session-cookie.js';

/** Opens the account store on first use (local and open mode) or hands out the open one. */
export type AccountsHandle = () => Promise<AccountService>;

/** Sign-in, sign-out, who am I, the first-run setup and invites: `/auth/*`, all public routes. */
export function registerAuthRoutes(app: FastifyInstance, access: ResolvedAccess, accounts: AccountsHandle): void {
  const signIn = (request: FastifyRequest, reply: FastifyReply, signed: SignedIn) => {
    if (signsIn(access)) setSessionCookie(request, reply, signed.secret, access.trusted);
    return me(access, signsIn(access) ? signed.principal : request.principal, false);
  };
  const address = (request: FastifyRequest) => clientAddress(request, access.trusted);

  app.get('/auth/me', async (request): Promise<MeResponse> => {
    const setupRequired = access.mode === 'accounts' && !request.principal && (await (await accounts()).setupRequired());
    return me(access, request.principal, setupRequired);
  });

  app.post('/auth/login', async (request, reply) => {
    const body = parseBody(loginBodySchema, request.body);
    return signIn(request, reply, await (await accounts()).login(body.username, body.password, address(request)));
  });

  app.post('/auth/logout', async (request, reply) => {
    const secret = sessionSecret(request);
    if (secret) await (await accounts()).logout(secret, address(request));
    clearSessionCookie(request, reply, access.trusted);
    return { ok: true as const };
  });

  app.post('/auth/setup', async (request, reply) => {
    const body = parseBody(setupBodySchema, request.body);
    return signIn(request, reply, await (await accounts()).completeSetup(body.token, body.username, body.password, address(request)));
  });

  app.get('/auth/invite', async (request) => {
    return (await accounts()).inviteInfo(stringParam(request.query as Query, 'token'));
  });

  app.post('/auth/invite', async (request, reply) => {
    const body = parseBody(inviteBodySchema, request.body);
    return signIn(request, reply, await (await accounts()).acceptInvite(body.token, body.password, address(request)));
  });
}

/** Only accounts and proxy mode keep sessions; local and open mode have nobody to sign in. */
function signsIn(access: ResolvedAccess): boolean {
  return access.mode === 'accounts' || access.mode === 'proxy';
}

export function me(access: ResolvedAccess, principal: Principal | null, setupRequired: boolean): MeResponse {
  return {
    access: access.mode,
    user: principal ? { name: principal.name, role: principal.role } : null,
    ...(setupRequired ? { setup_required: true } : {}),
    can: {
      label: principal !== null && can(principal.role, 'label'),
      own_views: principal !== null && can(principal.role, 'own_views'),
      shared_views: principal !== null && can(principal.role, 'shared_views'),
      admin: principal !== null && can(principal.role, 'admin'),
    },
  };
}
