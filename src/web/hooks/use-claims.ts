import { useMemo, useSyncExternalStore } from 'react';
import { useMe } from '../api/auth-api.js';
import { claimsOf } from '../lib/claims.js';
import { useOptionalSyncEngine } from './sync-context.js';

const NONE = new Map<string, string[]>();
const noop = () => () => {};
const nothing = () => null;

/** Other people's open items in the folder on screen (path → names), from presence. */
export function useClaims(): Map<string, string[]> {
  const engine = useOptionalSyncEngine();
  const state = useSyncExternalStore(engine?.subscribe ?? noop, engine?.getState ?? nothing);
  const { me } = useMe();
  // Signed in, presence shows the account's name; else the name typed in this browser.
  const named = me?.user && (me.access === 'accounts' || me.access === 'proxy');
  const myName = named ? me.user!.name : (state?.displayName ?? null);
  const users = state?.presence?.users;
  return useMemo(() => (users ? claimsOf(users, myName) : NONE), [users, myName]);
}
