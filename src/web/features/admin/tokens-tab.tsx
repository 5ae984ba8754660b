import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { tokenRoleSchema, type TokenRole } from '../../../protocol/auth.js';
import { createToken, fetchTokens, revokeToken } from '../../api/auth-api.js';
import { queryKeys } from '../../api/query-keys.js';
import { ConfirmButton } from '../../components/confirm-button.js';
import { CopyField } from '../../components/copy-field.js';
import { adminErrorText, formatWhen } from './admin-format.js';

const ROLES = tokenRoleSchema.options;

/** API tokens for scripts and workers: create one (its secret is shown once), revoke. */
export function TokensTab() {
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: queryKeys.admin.tokens, queryFn: ({ signal }) => fetchTokens(signal) });
  const [name, setName] = useState('');
  const [role, setRole] = useState<TokenRole>('worker');
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: queryKeys.admin.tokens });
  const create = useMutation({
    mutationFn: () => createToken(name.trim(), role),
    onSuccess: (result) => {
      setName('');
      setSecret({ name: result.token.name, secret: result.secret });
      refresh();
    },
  });
  const revoke = useMutation({ mutationFn: revokeToken, onSuccess: refresh });
  const error = create.error ?? revoke.error;

  return (
    <>
      <form
        className="admin-form"
        aria-label="Create an API token"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label className="admin-field">
          Token name
          <input className="text-input" value={name} placeholder="e.g. metrics worker" onChange={(e) => setName(e.target.value)} required />
        </label>
        <label className="admin-field">
          Role
          <select className="select" value={role} onChange={(e) => setRole(e.target.value as TokenRole)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-primary" disabled={create.isPending || !name.trim()}>
          Create token
        </button>
        <p className="admin-hint muted small">
          Scripts send it as <code>Authorization: Bearer …</code>. A worker token may only post metrics and progress.
        </p>
      </form>
      {secret ? (
        <div className="admin-notice" role="status" data-testid="token-secret">
          <p>
            The secret of <strong>{secret.name}</strong>. Copy it now: it is not shown again.
          </p>
          <CopyField value={secret.secret} label={`Secret of token ${secret.name}`} />
        </div>
      ) : null}
      {error ? (
        <p className="auth-error" role="alert">
          {adminErrorText(error)}
        </p>
      ) : null}
      <table className="admin-table" aria-label="API tokens">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.data?.tokens.map((t) => (
            <tr key={t.id} data-testid={`token-${t.name}`}>
              <td className="admin-name">{t.name}</td>
              <td>
                <span className={`role-badge role-${t.role}`}>{t.role}</span>
              </td>
              <td className="muted small">
                {formatWhen(t.created_at)}
                {t.created_by ? ` by ${t.created_by}` : ''}
              </td>
              <td className="muted small">{t.last_used_at ? formatWhen(t.last_used_at) : 'never'}</td>
              <td className="admin-actions">
                <ConfirmButton label="Revoke" subject={t.name} question={`Revoke ${t.name}? Scripts using it stop working.`} onConfirm={() => revoke.mutate(t.id)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tokens.data && !tokens.data.tokens.length ? <p className="admin-empty">No tokens yet.</p> : null}
      {tokens.error ? <p className="auth-error">{adminErrorText(tokens.error)}</p> : null}
    </>
  );
}
