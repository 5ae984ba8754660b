import { useQuery } from '@tanstack/react-query';
import { acceptInvite, fetchInvite, setupAdmin } from '../../api/auth-api.js';
import { AuthCard, authErrorText } from './auth-card.js';
import { PasswordForm } from './password-form.js';

/** Both pages sign the person in; the gallery then loads afresh with the new session. */
const enterApp = () => window.location.replace('/');

/** `/setup?token=…`: the first person creates the admin account with the link the server printed. */
export function SetupPage({ token }: { token: string }) {
  if (!token) return <BadLink />;
  return (
    <AuthCard title="Create the admin account" lead="You are the first person here. This account manages users and API tokens.">
      <PasswordForm
        withName
        submitLabel="Create the admin account"
        onSubmit={async (password, name) => {
          await setupAdmin(token, name, password);
          enterApp();
        }}
      />
    </AuthCard>
  );
}

/** `/invite?token=…`: an invited person chooses a password. */
export function InvitePage({ token }: { token: string }) {
  const invite = useQuery({ queryKey: ['auth', 'invite', token], queryFn: ({ signal }) => fetchInvite(token, signal), enabled: !!token, retry: false });
  if (!token || invite.error) return <BadLink error={invite.error} />;
  if (!invite.data) return <AuthCard title="Opening your invite…">{null}</AuthCard>;
  const { name, role } = invite.data;
  return (
    <AuthCard
      title={`Welcome, ${name}`}
      lead={
        <>
          You are invited as <strong>{role}</strong>. Choose a password to sign in with the user name <strong>{name}</strong>.
        </>
      }
    >
      <PasswordForm
        submitLabel="Set password and sign in"
        onSubmit={async (password) => {
          await acceptInvite(token, password);
          enterApp();
        }}
      />
    </AuthCard>
  );
}

function BadLink({ error }: { error?: unknown }) {
  return (
    <AuthCard title="This link does not work">
      <p className="auth-error" role="alert">
        {error ? authErrorText(error) : 'The link has no token. Copy the whole link, including the part after “?token=”.'}
      </p>
      <p className="auth-note">
        Have an account already? <a href="/signin">Sign in</a>.
      </p>
    </AuthCard>
  );
}
