import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, type ReactNode } from 'react';
import type { MeResponse } from '../../protocol/auth.js';
import { needsSignIn, useMe } from '../api/auth-api.js';
import { queryKeys } from '../api/query-keys.js';
import { Spinner } from '../components/spinner.js';
import { AdminPage } from '../features/admin/admin-page.js';
import { SignInPage } from '../features/auth/sign-in-page.js';
import { InvitePage, SetupPage } from '../features/auth/setup-pages.js';

/** The pages the server serves index.html for, besides the gallery on `/`. */
export type Page = 'gallery' | 'setup' | 'invite' | 'signin' | 'admin';

export function pageOf(pathname: string): Page {
  switch (pathname.replace(/\/+$/, '')) {
    case '/setup':
      return 'setup';
    case '/invite':
      return 'invite';
    case '/signin':
      return 'signin';
    case '/admin':
      return 'admin';
    default:
      return 'gallery';
  }
}

/**
 * Routes on the path, and lets nobody into the gallery or the admin page without a session where
 * sign-in is required (accounts and proxy mode). When a session ends while the gallery is open,
 * the gallery stays mounted under the sign-in page: its queued edits go out once signed in again.
 */
export function AuthGate({ gallery }: { gallery: ReactNode }) {
  const page = pageOf(window.location.pathname);
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const { me, isLoading } = useMe();
  const queryClient = useQueryClient();
  const entered = useRef(false);
  // Who was signed in before the session ended: their name is filled in on the sign-in page.
  const lastName = useRef('');
  if (me?.user) lastName.current = me.user.name;
  const signIn = needsSignIn(me);
  // Signed in again over the gallery (here, or in another tab and seen on focus): what failed
  // meanwhile (listings answered 401) is asked again.
  const wasSignIn = useRef(signIn);
  // Read before this render marks the gallery entered: a first sign-in has nothing to ask again.
  const resumed = wasSignIn.current && !signIn && entered.current;
  useEffect(() => {
    wasSignIn.current = signIn;
    if (resumed) void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.me[0] });
  }, [signIn, resumed, queryClient]);

  if (page === 'setup') return <SetupPage token={token} />;
  if (page === 'invite') return <InvitePage token={token} />;
  if (isLoading) return <Splash />;

  const signedIn = (next: MeResponse) => queryClient.setQueryData(queryKeys.me, next);
  if (page === 'signin') return signIn ? <SignInPage me={me} onSignedIn={toGallery} /> : <GoToGallery />;
  if (page === 'admin') return signIn ? <SignInPage me={me} onSignedIn={signedIn} /> : <AdminPage />;

  if (!signIn) entered.current = true;
  if (!entered.current) return <SignInPage me={me} onSignedIn={signedIn} />;
  return (
    <>
      {gallery}
      {signIn ? <SignInPage me={me} overlay name={lastName.current} onSignedIn={signedIn} /> : null}
    </>
  );
}

const toGallery = () => window.location.replace('/');

/** `/signin` while signed in already: nothing to do there. */
function GoToGallery() {
  useEffect(toGallery, []);
  return <Splash />;
}

function Splash() {
  return (
    <div className="auth-screen">
      <Spinner delayMs={300} />
    </div>
  );
}
