import { useMe } from '../../api/auth-api.js';
import { NO_RIGHTS, viewRightsOf, type ViewRights } from './view-rights.js';

/** What the caller may do with smart folders (the server enforces it; this only hides dead controls). */
export function useViewRights(): ViewRights {
  const { me } = useMe();
  return me === undefined ? NO_RIGHTS : viewRightsOf(me);
}
