import type { AccessMode, TokenRole } from '../../protocol/auth.js';

/**
 * Who a request acts as, decided once per request by the access check (http/auth/) and read by
 * every route: attribution (`updated_by`, history, events), smart-folder ownership, presence names
 * and which SSE events a stream may see.
 *
 * - `local`: loopback without sign-in (`--access local`); `open`: `--access open`. Both act as an
 *   admin named `LOCAL_USER`, and attribution keeps using `X-Lenslet-User` as before.
 * - `user`: a signed-in person (session cookie); `proxy`: a person named by a trusted proxy;
 *   `token`: an API token (its name is the actor).
 */
export interface Principal {
  kind: 'local' | 'open' | 'user' | 'proxy' | 'token';
  /** The name shown in history, presence and exports. */
  name: string;
  role: TokenRole;
  /** The user's id for `user`/`proxy`; null otherwise. */
  userId: number | null;
  /** The session behind a `user` principal; null otherwise. */
  sessionId: string | null;
  /** The token behind a `token` principal; null otherwise. */
  tokenId: string | null;
}

export const LOCAL_USER = 'local';

export function localPrincipal(access: Extract<AccessMode, 'local' | 'open'>): Principal {
  return { kind: access, name: LOCAL_USER, role: 'admin', userId: null, sessionId: null, tokenId: null };
}

/** True when the name comes from a sign-in, a proxy or a token, so client-sent names are ignored. */
export function isAuthenticated(principal: Principal): boolean {
  return principal.kind !== 'local' && principal.kind !== 'open';
}
