import type { FastifyRequest } from 'fastify';
import { localPrincipal, type Principal } from '../../accounts/principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the access check (http/auth/) before any route runs; see accounts/principal.ts. */
    principal: Principal | null;
  }
}

const LOCAL = localPrincipal('local');

/**
 * Who this request acts as. The access check has always set it by the time a route runs; the local
 * fallback only serves apps built without the check (unit tests of single route files).
 */
export function principalOf(request: FastifyRequest): Principal {
  return request.principal ?? LOCAL;
}
