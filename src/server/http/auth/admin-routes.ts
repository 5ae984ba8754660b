import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addUserBodySchema, createTokenBodySchema, patchUserBodySchema } from '../../../protocol/auth.js';
import { AccountAdmin } from '../../accounts/account-admin.js';
import type { Actor } from '../../accounts/account-service.js';
import { principalOf } from './principal-of.js';
import { AppError } from '../../app-error.js';
import { intParam, type Query } from '../query-params.js';
import { parseBody } from '../request-input.js';
import type { ResolvedAccess } from './access-options.js';
import type { AccountsHandle } from './auth-routes.js';
import { clientAddress, publicBase } from './session-cookie.js';

const MAX_AUDIT_PAGE = 500;

/** Users, tokens and the audit log for admins: `/admin/*` (the rule table admits admins only). */
export function registerAdminRoutes(app: FastifyInstance, access: ResolvedAccess, accounts: AccountsHandle): void {
  const admin = async () => new AccountAdmin(await accounts());
  const actor = (request: FastifyRequest): Actor => ({ name: principalOf(request).name, address: clientAddress(request, access.trusted) });
  const inviteUrl = (request: FastifyRequest, invite: string | null) =>
    invite === null ? null : `${publicBase(request, access.trusted)}/invite?token=${encodeURIComponent(invite)}`;

  app.get('/admin/users', async () => ({ users: await (await admin()).listUsers() }));

  app.post('/admin/users', async (request) => {
    const body = parseBody(addUserBodySchema, request.body);
    const { user, invite } = await (await admin()).addUser(body, actor(request));
    return { user, invite_url: inviteUrl(request, invite) };
  });

  const patchUser = async (request: FastifyRequest) => {
    const body = parseBody(patchUserBodySchema, request.body ?? {});
    const name = nameOf(request, 'name') ?? body.name;
    if (!name) throw new AppError('missing_parameter', 'name the user (in the path or the body)', { field: 'name' });
    const { user, invite } = await (await admin()).updateUser(name, body, actor(request));
    return { user, invite_url: inviteUrl(request, invite) };
  };
  app.patch('/admin/users', patchUser);
  app.patch('/admin/users/:name', patchUser);

  const removeUser = async (request: FastifyRequest) => {
    const name = nameOf(request, 'name');
    if (!name) throw new AppError('missing_parameter', 'name the user (in the path, ?name= or the body)', { field: 'name' });
    await (await admin()).removeUser(name, actor(request));
    return { ok: true as const };
  };
  app.delete('/admin/users', removeUser);
  app.delete('/admin/users/:name', removeUser);

  app.get('/admin/tokens', async () => ({ tokens: await (await admin()).listTokens() }));

  app.post('/admin/tokens', async (request) => {
    const body = parseBody(createTokenBodySchema, request.body);
    return (await admin()).createToken(body.name, body.role, actor(request));
  });

  const revokeToken = async (request: FastifyRequest) => {
    const id = nameOf(request, 'id') ?? nameOf(request, 'name');
    if (!id) throw new AppError('missing_parameter', 'name the token (its id in the path, ?id=, ?name= or the body)', { field: 'id' });
    await (await admin()).revokeToken(id, actor(request));
    return { ok: true as const };
  };
  app.delete('/admin/tokens', revokeToken);
  app.delete('/admin/tokens/:id', revokeToken);

  app.get('/admin/audit', async (request) => {
    const query = request.query as Query;
    const limit = intParam(query, 'limit', { min: 1, max: MAX_AUDIT_PAGE, fallback: 100 });
    const before = query.before === undefined ? null : intParam(query, 'before', { min: 1, max: Number.MAX_SAFE_INTEGER, fallback: 1 });
    return (await admin()).auditLog(limit, before);
  });
}

/** A name or id from the path, the query or a JSON body, in that order. */
function nameOf(request: FastifyRequest, field: string): string | undefined {
  for (const source of [request.params, request.query, request.body]) {
    const value = (source as Record<string, unknown> | undefined)?.[field];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}
