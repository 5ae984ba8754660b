import type { ReactNode } from 'react';
import { ApiError } from '../../api/http-client.js';
import './auth.css';

/** The card every sign-in, setup and invite page shows, centred (or over the app when `overlay`). */
export function AuthCard({ title, lead, overlay, children }: { title: string; lead?: ReactNode; overlay?: boolean; children: ReactNode }) {
  return (
    <div className={`auth-screen${overlay ? ' is-overlay' : ''}`}>
      <Card overlay={overlay}>
        <div className="auth-brand">
          <svg width="18" height="18" viewBox="0 0 16 16" aria-hidden="true">
            <rect width="16" height="16" rx="4" fill="#5b8def" />
            <circle cx="8" cy="8" r="3.5" fill="none" stroke="white" strokeWidth="1.6" />
          </svg>
          Lenslet
        </div>
        <h1 className="auth-title" id="auth-title">
          {title}
        </h1>
        {lead ? <p className="auth-lead">{lead}</p> : null}
        {children}
      </Card>
    </div>
  );
}

/** On its own the card is the page's main content; over the gallery it is a modal dialog. */
function Card({ overlay, children }: { overlay?: boolean; children: ReactNode }) {
  return overlay ? (
    <div className="auth-card" role="dialog" aria-modal="true" aria-labelledby="auth-title">
      {children}
    </div>
  ) : (
    <main className="auth-card" aria-labelledby="auth-title">
      {children}
    </main>
  );
}

/** What to tell a person whose sign-in, setup or invite form was refused. */
export function authErrorText(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Try again.';
  switch (error.code) {
    case 'invalid_credentials':
      return 'Wrong user name or password.';
    case 'rate_limited':
      return `Too many attempts. Try again in ${waitText(error.retryAfterSeconds ?? 60)}.`;
    case 'invalid_link':
      return 'This link was already used or has expired: ask for a new one.';
    case 'already_exists':
      return 'That user name is taken.';
    case 'network_error':
      return 'The server cannot be reached. Check the connection and try again.';
    case 'invalid_body':
      return error.message;
    default:
      return error.message || 'Something went wrong. Try again.';
  }
}

function waitText(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 90) return `${s} second${s === 1 ? '' : 's'}`;
  return `${Math.ceil(s / 60)} minutes`;
}
