import { useQuery } from '@tanstack/react-query';
import { meResponseSchema, type MeResponse } from '../../../protocol/auth.js';
import { ApiError, requestJson } from '../../api/http-client.js';
import { NO_RIGHTS, viewRightsOf, type ViewRights } from './view-rights.js';

/** Keyed like the app's `/auth/me` query (api/auth-api.ts), so refreshing that after a sign-in refreshes this. */
export const meKey = ['auth', 'me'] as const;

/** `GET /auth/me`, or null from a server that has no such route (one from before accounts). */
export async function fetchMe(signal?: AbortSignal): Promise<MeResponse | null> {
  try {
    return await requestJson('/auth/me', meResponseSchema, { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** What the caller may do with smart folders (the server enforces it; this only hides dead controls). */
export function useViewRights(): ViewRights {
  const me = useQuery({ queryKey: meKey, queryFn: ({ signal }) => fetchMe(signal), staleTime: 60_000 });
  return me.data === undefined ? NO_RIGHTS : viewRightsOf(me.data);
}
