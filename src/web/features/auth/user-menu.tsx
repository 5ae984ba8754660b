import { useEffect, useRef, useState } from 'react';
import { logout, useMe } from '../../api/auth-api.js';
import { useSyncStatus } from '../../hooks/sync-context.js';

/**
 * Toolbar, far right: who is signed in (name, role), the admin page for admins, and "Sign out".
 * Shown only where people sign in (accounts and proxy mode); locally everyone is the same user.
 */
export function UserMenu() {
  const { me } = useMe();
  const sync = useSyncStatus();
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const user = me?.user;
  if (!me || !user || (me.access !== 'accounts' && me.access !== 'proxy')) return null;

  const signOut = async () => {
    // Edits still waiting would go out under whoever signs in next in this browser.
    if (sync.pending > 0 && !window.confirm(`${sync.pending} change${sync.pending === 1 ? ' is' : 's are'} not saved yet. Sign out anyway?`)) return;
    await logout().catch(() => undefined);
    window.location.assign('/');
  };

  return (
    <div className="user-menu" ref={wrap}>
      <button
        type="button"
        className="user-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Account: ${user.name}, ${user.role}`}
        title={`${user.name} · ${user.role}`}
        onClick={() => setOpen(!open)}
        data-testid="user-menu"
      >
        <span className="user-avatar" aria-hidden="true">
          {initial(user.name)}
        </span>
      </button>
      {open ? (
        <div className="user-card" role="menu">
          <div className="user-who">
            <div className="user-name">{user.name}</div>
            <span className={`role-badge role-${user.role}`}>{user.role}</span>
          </div>
          {me.can?.admin ?? user.role === 'admin' ? (
            <a className="user-item" role="menuitem" href="/admin">
              Users and tokens
            </a>
          ) : null}
          {me.access === 'accounts' ? (
            <button type="button" className="user-item" role="menuitem" onClick={() => void signOut()}>
              Sign out
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function initial(name: string): string {
  return [...name.trim()][0] ?? '?';
}
