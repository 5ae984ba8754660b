import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { userRoleSchema, type User, type UserRole } from '../../../protocol/auth.js';
import { addUser, fetchUsers, reinviteUser, removeUser, setUserRole } from '../../api/auth-api.js';
import { queryKeys } from '../../api/query-keys.js';
import { ConfirmButton } from '../../components/confirm-button.js';
import { CopyField } from '../../components/copy-field.js';
import { adminErrorText, formatWhen } from './admin-format.js';

const ROLES = userRoleSchema.options;
const ROLE_HINT: Record<UserRole, string> = {
  viewer: 'browses and exports',
  labeler: 'also rates, tags and writes notes',
  admin: 'also manages users, tokens and shared smart folders',
};

/** People: add one (an invite link to pass on), change a role, issue a new link, remove. */
export function UsersTab({ me }: { me: string | null }) {
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: queryKeys.admin.users, queryFn: ({ signal }) => fetchUsers(signal) });
  const [invite, setInvite] = useState<{ name: string; url: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const done = (result?: { user: User; invite_url: string | null }) => {
    setError(null);
    if (result?.invite_url) setInvite({ name: result.user.name, url: result.invite_url });
    void queryClient.invalidateQueries({ queryKey: queryKeys.admin.users });
  };
  const change = useMutation({
    mutationFn: (op: () => Promise<{ user: User; invite_url: string | null } | { ok: true }>) => op(),
    onSuccess: (result) => done('user' in result ? result : undefined),
    onError: setError,
  });

  return (
    <>
      <AddUserForm
        onAdded={(result) => done(result)}
        onError={setError}
      />
      {invite ? (
        <div className="admin-notice" role="status" data-testid="invite-link">
          <p>
            Send this link to <strong>{invite.name}</strong> to choose a password. It works once.
          </p>
          <CopyField value={invite.url} label={`Invite link for ${invite.name}`} />
        </div>
      ) : null}
      {error ? (
        <p className="auth-error" role="alert">
          {adminErrorText(error)}
        </p>
      ) : null}
      <table className="admin-table" aria-label="Users">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Last seen</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.data?.users.map((u) => (
            <tr key={u.name} data-testid={`user-${u.name}`}>
              <td>
                <span className="admin-name">{u.name}</span>
                {u.name === me ? <span className="muted small"> (you)</span> : null}
                {!u.has_password ? <span className="pill">invite pending</span> : null}
              </td>
              <td>
                <select
                  className="select select-small"
                  aria-label={`Role of ${u.name}`}
                  value={u.role}
                  disabled={change.isPending}
                  onChange={(e) => change.mutate(() => setUserRole(u.name, e.target.value as UserRole))}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </td>
              <td className="muted small">{u.last_seen_at ? formatWhen(u.last_seen_at) : 'never'}</td>
              <td className="admin-actions">
                {!u.has_password ? (
                  <button type="button" className="btn btn-small" aria-label={`New invite link for ${u.name}`} onClick={() => change.mutate(() => reinviteUser(u.name))}>
                    New link
                  </button>
                ) : null}
                <ConfirmButton
                  label="Remove"
                  subject={u.name}
                  question={`Remove ${u.name}? They are signed out at once.`}
                  disabled={u.name === me}
                  onConfirm={() => change.mutate(() => removeUser(u.name))}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {users.isLoading ? <p className="muted small">Loading…</p> : null}
      {users.error ? <p className="auth-error">{adminErrorText(users.error)}</p> : null}
    </>
  );
}

function AddUserForm({ onAdded, onError }: { onAdded: (r: { user: User; invite_url: string | null }) => void; onError: (e: unknown) => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<UserRole>('labeler');
  const add = useMutation({
    mutationFn: () => addUser(name.trim(), role),
    onSuccess: (result) => {
      setName('');
      onAdded(result);
    },
    onError,
  });
  return (
    <form
      className="admin-form"
      aria-label="Add a user"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <label className="admin-field">
        User name
        <input className="text-input" value={name} onChange={(e) => setName(e.target.value)} autoCapitalize="none" spellCheck={false} required />
      </label>
      <label className="admin-field">
        Role
        <select className="select" value={role} onChange={(e) => setRole(e.target.value as UserRole)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="btn btn-primary" disabled={add.isPending || !name.trim()}>
        Add user
      </button>
      <p className="admin-hint muted small">
        A {role} {ROLE_HINT[role]}.
      </p>
    </form>
  );
}
