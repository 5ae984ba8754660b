// @vitest-environment happy-dom
/// <reference types="vite/client" />
import { QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MeResponse } from '../../protocol/auth.js';
import { createQueryClient } from '../api/queries.js';
import { queryKeys } from '../api/query-keys.js';
import { AuthGate, pageOf } from './auth-gate.js';

let me: MeResponse;
let loginAnswer: { status: number; body: unknown; headers?: Record<string, string> };
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function fakeServer(input: RequestInfo | URL): Promise<Response> {
  const url = new URL(String(input), 'http://localhost');
  if (url.pathname === '/auth/me') return Promise.resolve(json(me));
  if (url.pathname === '/auth/login') return Promise.resolve(json(loginAnswer.body, loginAnswer.status, loginAnswer.headers));
  return Promise.resolve(json({ error: { code: 'not_found', message: 'nope' } }, 404));
}

let mounts = 0;
function Gallery() {
  useEffect(() => {
    mounts++;
  }, []);
  return <div data-testid="gallery">gallery</div>;
}

function renderGate() {
  const queryClient = createQueryClient();
  render(
    <QueryClientProvider client={queryClient}>
      <AuthGate gallery={<Gallery />} />
    </QueryClientProvider>,
  );
  return queryClient;
}

const ADA: MeResponse = { access: 'accounts', user: { name: 'ada', role: 'labeler' }, can: { label: true, own_views: true, shared_views: false, admin: false } };

async function signIn(password: string) {
  fireEvent.change(screen.getByLabelText('User name'), { target: { value: 'ada' } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

beforeEach(() => {
  vi.stubGlobal('fetch', vi.fn(fakeServer));
  window.history.replaceState(null, '', '/');
  mounts = 0;
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('auth gate', () => {
  it('routes the pages the server serves index.html for', () => {
    expect(pageOf('/')).toBe('gallery');
    expect(pageOf('/setup')).toBe('setup');
    expect(pageOf('/invite/')).toBe('invite');
    expect(pageOf('/signin')).toBe('signin');
    expect(pageOf('/admin')).toBe('admin');
  });

  it('lets everyone in, as today, in local mode', async () => {
    me = { access: 'local', user: { name: 'local', role: 'admin' } };
    renderGate();
    await screen.findByTestId('gallery');
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
  });

  it('asks for sign-in in accounts mode; says why a sign-in failed or was throttled; then opens the gallery', async () => {
    me = { access: 'accounts', user: null };
    renderGate();
    await screen.findByRole('heading', { name: 'Sign in' });
    expect(screen.queryByTestId('gallery')).toBeNull();

    loginAnswer = { status: 401, body: { error: { code: 'invalid_credentials', message: 'no' } } };
    await signIn('wrong-password');
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong user name or password.');

    loginAnswer = { status: 429, body: { error: { code: 'rate_limited', message: 'slow down' } }, headers: { 'Retry-After': '30' } };
    await signIn('wrong-again');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/^Too many attempts\. Try again in (30|29) s\.$/));
    expect(screen.getByRole('button', { name: 'Sign in' })).toHaveProperty('disabled', true);
  });

  it('signs in and shows the gallery', async () => {
    me = { access: 'accounts', user: null };
    renderGate();
    await screen.findByRole('heading', { name: 'Sign in' });
    loginAnswer = { status: 200, body: ADA };
    await signIn('correct horse');
    await screen.findByTestId('gallery');
  });

  it('points to the setup link while the server has no accounts', async () => {
    me = { access: 'accounts', user: null, setup_required: true };
    renderGate();
    expect((await screen.findByText(/Open the setup link printed by the server/)).textContent).toContain('setup?token=');
  });

  it('keeps the gallery mounted under the sign-in page when the session ends, and takes it away after sign-in', async () => {
    me = ADA;
    const queryClient = renderGate();
    await screen.findByTestId('gallery');
    // What the sync engine does on a 401: the cached answer becomes "nobody".
    act(() => {
      queryClient.setQueryData<MeResponse>(queryKeys.me, { ...ADA, user: null, can: undefined });
    });
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('Your session ended');
    expect((screen.getByLabelText('User name') as HTMLInputElement).value).toBe('ada');
    expect(screen.getByTestId('gallery')).toBeTruthy();
    loginAnswer = { status: 200, body: ADA };
    await signIn('correct horse');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(mounts).toBe(1);
  });
});
