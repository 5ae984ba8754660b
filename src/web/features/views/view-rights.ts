import type { MeResponse } from '../../../protocol/auth.js';
import type { View } from '../../../protocol/views.js';

/** What the smart-folder panel lets this person do. */
export interface ViewRights {
  /** Create, change and delete their own (private) smart folders. */
  own: boolean;
  /** Create, change, delete and share shared ones. */
  shared: boolean;
  /**
   * Whether sharing means anything here: without sign-in (local, open) everyone is the same local
   * admin and sees every view, so the panel shows no toggle and no marks, and new views are shared.
   */
  accounts: boolean;
}

/** Before `/auth/me` answers: nothing editable yet, rather than controls that may vanish. */
export const NO_RIGHTS: ViewRights = { own: false, shared: false, accounts: true };
/** A server without `/auth/me` (before accounts): everyone may do everything, as then. */
export const LOCAL_RIGHTS: ViewRights = { own: true, shared: true, accounts: false };

/** Rights from `GET /auth/me`: its `can` when given, else the role; null when the server has no accounts. */
export function viewRightsOf(me: MeResponse | null): ViewRights {
  if (me === null) return LOCAL_RIGHTS;
  const accounts = me.access === 'accounts' || me.access === 'proxy';
  if (me.can) return { own: me.can.own_views, shared: me.can.shared_views, accounts };
  const role = me.user?.role;
  return { own: role === 'admin' || role === 'labeler', shared: role === 'admin', accounts };
}

/** Views from a server before accounts carry no flag: everything was shared then. */
export function isShared(view: View): boolean {
  return view.shared !== false;
}

/** Whether the panel offers rename, sharing and delete for `view` (the server decides in the end). */
export function canEdit(view: View, rights: ViewRights): boolean {
  return isShared(view) ? rights.shared : rights.own;
}
