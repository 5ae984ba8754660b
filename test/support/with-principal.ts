import type { FastifyInstance } from 'fastify';
import type { TokenRole } from '../../src/protocol/auth.js';
import type { Principal } from '../../src/server/accounts/principal.js';

/**
 * A test-only stand-in for the access check (http/auth/): a request carrying `x-test-principal`
 * (a Principal as JSON, see `as`) acts as that principal; one without it falls back to the local
 * admin, as `principalOf` does. For bare apps built from route modules; never registered by app.ts.
 */
export const PRINCIPAL_HEADER = 'x-test-principal';

export function withPrincipal(app: FastifyInstance): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const raw = request.headers[PRINCIPAL_HEADER];
    if (typeof raw === 'string') request.principal = JSON.parse(raw) as Principal;
  });
}

const userIds = new Map<string, number>();

/** A signed-in user (the same name gets the same id). */
export function signedIn(name: string, role: TokenRole = 'labeler'): Principal {
  const userId = userIds.get(name) ?? userIds.size + 1;
  userIds.set(name, userId);
  return { kind: 'user', name, role, userId, sessionId: `session-${name}`, tokenId: null };
}

/** The header that makes a request act as `principal`. */
export function as(principal: Principal): Record<string, string> {
  return { [PRINCIPAL_HEADER]: JSON.stringify(principal) };
}
