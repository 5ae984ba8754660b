import { useEffect, useState } from 'react';
import type { MeResponse } from '../../../protocol/auth.js';
import { login } from '../../api/auth-api.js';
import { ApiError } from '../../api/http-client.js';
import { AuthCard, authErrorText } from './auth-card.js';

export interface SignInPageProps {
  me: MeResponse | undefined;
  /** Over the gallery: the session ended while working (queued edits go out after sign-in). */
  overlay?: boolean;
  /** The name to fill in (the person whose session ended). */
  name?: string;
  onSignedIn: (me: MeResponse) => void;
}

/** User name + password, or what to do instead (first run: the setup link; proxy mode: the proxy). */
export function SignInPage({ me, overlay, name, onSignedIn }: SignInPageProps) {
  if (me?.setup_required) {
    return (
      <AuthCard title="Set up Lenslet" lead="This server has no accounts yet.">
        <p className="auth-hint">
          Open the setup link printed by the server (<code>Setup: http://…/setup?token=…</code>) to create the admin account.
        </p>
      </AuthCard>
    );
  }
  if (me?.access === 'proxy') {
    return (
      <AuthCard title="Not signed in" overlay={overlay}>
        <p className="auth-hint">This server takes your identity from the sign-in proxy in front of it. Open Lenslet through that proxy, or reload to sign in again.</p>
      </AuthCard>
    );
  }
  return <SignInForm overlay={overlay} name={name ?? ''} onSignedIn={onSignedIn} />;
}

function SignInForm({ overlay, name, onSignedIn }: { overlay?: boolean; name: string; onSignedIn: (me: MeResponse) => void }) {
  const [username, setUsername] = useState(name);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const wait = useCountdown(error instanceof ApiError && error.code === 'rate_limited' ? error : null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await login(username.trim(), password));
    } catch (e) {
      setError(e);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const throttled = wait > 0;
  const message = error ? (throttled ? `Too many attempts. Try again in ${wait} s.` : error instanceof ApiError && error.code === 'rate_limited' ? null : authErrorText(error)) : null;
  return (
    <AuthCard title={overlay ? 'Your session ended' : 'Sign in'} lead={overlay ? 'Sign in again: your unsaved changes are kept and saved right after.' : undefined} overlay={overlay}>
      <form
        className="auth-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="auth-field">
          User name
          <input
            className="text-input"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            // biome-ignore lint/a11y/noAutofocus: the only thing to do on this page is to sign in
            autoFocus={!name}
          />
        </label>
        <label className="auth-field">
          Password
          <input
            className="text-input"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            aria-invalid={message ? true : undefined}
            onChange={(e) => setPassword(e.target.value)}
            // biome-ignore lint/a11y/noAutofocus: the name is known (a session that ended): only the password is left to type
            autoFocus={!!name}
          />
        </label>
        {message ? (
          <p className="auth-error" role="alert" data-testid="auth-error">
            {message}
          </p>
        ) : null}
        <button type="submit" className="btn btn-primary auth-submit" disabled={busy || throttled || !username.trim() || !password}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="auth-note">No account yet? Ask an admin of this server for an invite link.</p>
    </AuthCard>
  );
}

/** Seconds left of the wait a throttled sign-in was told (Retry-After), ticking down to 0. */
function useCountdown(throttled: ApiError | null): number {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (!throttled) return setLeft(0);
    const end = Date.now() + (throttled.retryAfterSeconds ?? 60) * 1000;
    const tick = () => setLeft(Math.max(0, Math.ceil((end - Date.now()) / 1000)));
    tick();
    const timer = window.setInterval(tick, 1000);
    return () => window.clearInterval(timer);
  }, [throttled]);
  return left;
}
