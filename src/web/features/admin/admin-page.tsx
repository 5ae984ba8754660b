import { useState } from 'react';
import { useMe } from '../../api/auth-api.js';
import { AuditTab } from './audit-tab.js';
import { TokensTab } from './tokens-tab.js';
import { UsersTab } from './users-tab.js';
import './admin.css';

const TABS = [
  { id: 'users', label: 'Users' },
  { id: 'tokens', label: 'API tokens' },
  { id: 'audit', label: 'Audit' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/** `/admin`: people and their roles, API tokens, and the audit log. Admins only. */
export function AdminPage() {
  const { me } = useMe();
  const [tab, setTab] = useState<Tab>(() => (TABS.some((t) => `#${t.id}` === window.location.hash) ? (window.location.hash.slice(1) as Tab) : 'users'));
  const isAdmin = me?.can?.admin ?? me?.user?.role === 'admin';
  const choose = (next: Tab) => {
    setTab(next);
    window.history.replaceState(window.history.state, '', `#${next}`);
  };

  return (
    <div className="admin">
      <header className="admin-bar">
        <a className="admin-back" href="/">
          <span aria-hidden="true">←</span> Gallery
        </a>
        <h1 className="admin-title">Users and tokens</h1>
        {me?.user ? (
          <span className="muted small">
            Signed in as <strong>{me.user.name}</strong>
          </span>
        ) : null}
      </header>
      {isAdmin ? (
        <div className="admin-body">
          <div className="admin-tabs" role="tablist" aria-label="Administration">
            {TABS.map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                id={`admin-tab-${t.id}`}
                aria-selected={tab === t.id}
                aria-controls={`admin-panel-${t.id}`}
                className={`admin-tab${tab === t.id ? ' is-on' : ''}`}
                onClick={() => choose(t.id)}
              >
                {t.label}
              </button>
            ))}
          </div>
          <section className="admin-panel" role="tabpanel" id={`admin-panel-${tab}`} aria-labelledby={`admin-tab-${tab}`}>
            {tab === 'users' ? <UsersTab me={me?.user?.name ?? null} /> : tab === 'tokens' ? <TokensTab /> : <AuditTab />}
          </section>
        </div>
      ) : (
        <div className="admin-body">
          <p className="admin-empty">Only admins manage users and tokens. Ask an admin of this server if you need a different role.</p>
        </div>
      )}
    </div>
  );
}
