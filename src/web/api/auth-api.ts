import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import {
  addUserResponseSchema,
  auditResponseSchema,
  createTokenResponseSchema,
  inviteInfoSchema,
  meResponseSchema,
  patchUserResponseSchema,
  removedResponseSchema,
  tokensResponseSchema,
  usersResponseSchema,
  type MeResponse,
  type TokenRole,
  type UserRole,
} from '../../protocol/auth.js';
import { ApiError, requestJson } from './http-client.js';
import { queryKeys } from './query-keys.js';

/** What the caller may do: the server's `can`, or what the role implies for a server that sends none. */
export interface Can {
  label: boolean;
  own_views: boolean;
  shared_views: boolean;
  admin: boolean;
}

const EVERYTHING: Can = { label: true, own_views: true, shared_views: true, admin: true };
const NOTHING: Can = { label: false, own_views: false, shared_views: false, admin: false };

export function canOf(me: MeResponse | undefined): Can {
  // Unknown (a server that could not be asked): show every control; the server still decides.
  if (!me) return EVERYTHING;
  if (me.can) return me.can;
  switch (me.user?.role) {
    case 'admin':
      return EVERYTHING;
    case 'labeler':
      return { ...NOTHING, label: true, own_views: true };
    default:
      return NOTHING;
  }
}

/** Accounts or proxy mode with nobody signed in: the app must show the sign-in page. */
export function needsSignIn(me: MeResponse | undefined): boolean {
  return !!me && me.user === null && (me.access === 'accounts' || me.access === 'proxy');
}

/** `GET /auth/me`. A 401 (a server that answers so rather than with `user: null`) means the same: signed out. */
export async function fetchMe(signal?: AbortSignal): Promise<MeResponse> {
  try {
    return await requestJson('/auth/me', meResponseSchema, { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return { access: 'accounts', user: null };
    throw error;
  }
}

export function login(username: string, password: string): Promise<MeResponse> {
  return requestJson('/auth/login', meResponseSchema, { method: 'POST', body: { username, password } });
}

/** Ends the session; its answer carries nothing the app needs. */
export async function logout(): Promise<void> {
  await requestJson('/auth/logout', z.unknown(), { method: 'POST', body: {} });
}

export function setupAdmin(token: string, username: string, password: string): Promise<MeResponse> {
  return requestJson('/auth/setup', meResponseSchema, { method: 'POST', body: { token, username, password } });
}

export function fetchInvite(token: string, signal?: AbortSignal) {
  return requestJson('/auth/invite', inviteInfoSchema, { query: { token }, signal });
}

export function acceptInvite(token: string, password: string): Promise<MeResponse> {
  return requestJson('/auth/invite', meResponseSchema, { method: 'POST', body: { token, password } });
}

// ---- admin ----

const userUrl = (name: string) => `/admin/users/${encodeURIComponent(name)}`;

export function fetchUsers(signal?: AbortSignal) {
  return requestJson('/admin/users', usersResponseSchema, { signal });
}

/** Without a password the answer carries a one-time invite link. */
export function addUser(name: string, role: UserRole) {
  return requestJson('/admin/users', addUserResponseSchema, { method: 'POST', body: { name, role } });
}

export function setUserRole(name: string, role: UserRole) {
  return requestJson(userUrl(name), patchUserResponseSchema, { method: 'PATCH', body: { role } });
}

/** A fresh invite link (the old one stops working). */
export function reinviteUser(name: string) {
  return requestJson(userUrl(name), patchUserResponseSchema, { method: 'PATCH', body: { invite: true } });
}

export function removeUser(name: string) {
  return requestJson(userUrl(name), removedResponseSchema, { method: 'DELETE' });
}

export function fetchTokens(signal?: AbortSignal) {
  return requestJson('/admin/tokens', tokensResponseSchema, { signal });
}

export function createToken(name: string, role: TokenRole) {
  return requestJson('/admin/tokens', createTokenResponseSchema, { method: 'POST', body: { name, role } });
}

export function revokeToken(id: string) {
  return requestJson(`/admin/tokens/${encodeURIComponent(id)}`, removedResponseSchema, { method: 'DELETE' });
}

export function fetchAudit(before?: number, signal?: AbortSignal) {
  return requestJson('/admin/audit', auditResponseSchema, { query: { limit: 100, before }, signal });
}

// ---- hooks ----

/**
 * Who is signed in, from `GET /auth/me`. Refetched when the window regains focus while signed out
 * (signing in in another tab signs this one in too).
 */
export function useMe(): { me: MeResponse | undefined; isLoading: boolean; error: unknown } {
  const query = useQuery({
    queryKey: queryKeys.me,
    queryFn: ({ signal }) => fetchMe(signal),
    staleTime: 60_000,
    refetchOnWindowFocus: (q) => needsSignIn(q.state.data),
  });
  return { me: query.data, isLoading: query.isLoading, error: query.error };
}

/** What the signed-in person may do (every control shown while it is not known yet). */
export function useCan(): Can {
  return canOf(useMe().me);
}
