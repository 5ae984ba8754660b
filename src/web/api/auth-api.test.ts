/// <reference types="vite/client" />
import { afterEach, describe, expect, it, vi } from 'vitest';
import { canOf, fetchMe, login, needsSignIn } from './auth-api.js';

afterEach(() => vi.unstubAllGlobals());

const respond = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body), { status, headers })));

describe('auth api', () => {
  it('uses the server\'s `can`, else what the role implies', () => {
    const can = { label: false, own_views: true, shared_views: false, admin: false };
    expect(canOf({ access: 'accounts', user: { name: 'v', role: 'viewer' }, can })).toEqual(can);
    expect(canOf({ access: 'accounts', user: { name: 'v', role: 'viewer' } }).label).toBe(false);
    expect(canOf({ access: 'accounts', user: { name: 'l', role: 'labeler' } })).toMatchObject({ label: true, admin: false });
    expect(canOf({ access: 'local', user: { name: 'local', role: 'admin' } })).toMatchObject({ label: true, admin: true });
    expect(canOf(undefined).label).toBe(true);
  });

  it('asks for sign-in only in accounts and proxy mode with nobody signed in', () => {
    expect(needsSignIn({ access: 'accounts', user: null })).toBe(true);
    expect(needsSignIn({ access: 'proxy', user: null })).toBe(true);
    expect(needsSignIn({ access: 'accounts', user: { name: 'a', role: 'admin' } })).toBe(false);
    expect(needsSignIn({ access: 'open', user: null })).toBe(false);
    expect(needsSignIn(undefined)).toBe(false);
  });

  it('reads a 401 from /auth/me as signed out', async () => {
    respond({ error: { code: 'unauthenticated', message: 'sign in' } }, 401);
    await expect(fetchMe()).resolves.toEqual({ access: 'accounts', user: null });
  });

  it('carries Retry-After of a throttled sign-in', async () => {
    respond({ error: { code: 'rate_limited', message: 'too many attempts' } }, 429, { 'Retry-After': '42' });
    await expect(login('ada', 'wrong')).rejects.toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 42 });
  });
});
