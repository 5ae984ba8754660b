import { useState, type ReactNode } from 'react';
import { MAX_USER_NAME_LENGTH, MIN_PASSWORD_LENGTH } from '../../../protocol/auth.js';
import { authErrorText } from './auth-card.js';

export interface PasswordFormProps {
  /** Ask for a user name too (first-run setup); an invite already names the person. */
  withName?: boolean;
  submitLabel: string;
  onSubmit: (password: string, name: string) => Promise<void>;
  footer?: ReactNode;
}

/** A new password, typed twice (and a user name when asked), checked before it is sent. */
export function PasswordForm({ withName, submitLabel, onSubmit, footer }: PasswordFormProps) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    if (password.length < MIN_PASSWORD_LENGTH) return setError(`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
    if (password !== again) return setError('The two passwords differ.');
    setBusy(true);
    setError(null);
    try {
      await onSubmit(password, name.trim());
    } catch (e) {
      setError(authErrorText(e));
      setBusy(false);
    }
  };

  return (
    <form
      className="auth-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {withName ? (
        <label className="auth-field">
          User name
          <input
            className="text-input"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={MAX_USER_NAME_LENGTH}
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            // biome-ignore lint/a11y/noAutofocus: the page exists to fill this form
            autoFocus
          />
        </label>
      ) : null}
      <label className="auth-field">
        Password
        <input
          className="text-input"
          type="password"
          name="new-password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          // biome-ignore lint/a11y/noAutofocus: the page exists to fill this form
          autoFocus={!withName}
        />
      </label>
      <label className="auth-field">
        Repeat the password
        <input
          className="text-input"
          type="password"
          name="repeat-password"
          autoComplete="new-password"
          required
          value={again}
          aria-invalid={error ? true : undefined}
          onChange={(e) => setAgain(e.target.value)}
        />
      </label>
      {error ? (
        <p className="auth-error" role="alert" data-testid="auth-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary auth-submit" disabled={busy || (withName && !name.trim()) || !password || !again}>
        {busy ? 'Working…' : submitLabel}
      </button>
      {footer}
    </form>
  );
}
