import { QueryCache, QueryClient, useQuery } from '@tanstack/react-query';
import { fetchDirs, fetchHealth } from './folders-api.js';
import { queryKeys } from './query-keys.js';

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    // A 401 anywhere means the session ended (expired, signed out elsewhere, user removed): ask
    // who we are again, and the app shows the sign-in page when the answer says nobody.
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (statusOf(error) === 401 && query.queryKey[0] !== queryKeys.me[0]) void client.invalidateQueries({ queryKey: queryKeys.me });
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // A server still indexing (after a restart) says when to ask again; anything else is tried
        // twice more, except answers that a retry cannot change.
        retry: (failures, error) => (isIndexing(error) ? failures < MAX_INDEXING_RETRIES : failures < 2 && !FINAL_STATUSES.has(statusOf(error))),
        retryDelay: (failures, error) => (isIndexing(error) ? 1000 : Math.min(1000 * 2 ** failures, 30_000)),
      },
    },
  });
  return client;
}

const FINAL_STATUSES = new Set<number | undefined>([401, 403, 404]);
const statusOf = (error: unknown) => (error as { status?: number } | null)?.status;

const MAX_INDEXING_RETRIES = 120;
const isIndexing = (error: unknown) => (error as { code?: string } | null)?.code === 'indexing';

/** Polls every second while the server is still indexing, then only on demand. */
export function useHealth() {
  return useQuery({
    queryKey: queryKeys.health,
    queryFn: ({ signal }) => fetchHealth(signal),
    refetchInterval: (query) => (query.state.data?.indexing.state === 'running' ? 1000 : false),
    staleTime: 5_000,
  });
}

/** Subfolders of one folder, for the tree (fetched when it is expanded). */
export function dirsQuery(path: string) {
  return {
    queryKey: queryKeys.dirs(path),
    queryFn: ({ signal }: { signal: AbortSignal }) => fetchDirs(path, signal),
    staleTime: 60_000,
    // Listed while indexing: folders keep appearing, so ask again until the listing is complete.
    refetchInterval: (query: { state: { data?: { indexing?: unknown } } }) => (query.state.data?.indexing ? 2000 : false),
    select: (data: Awaited<ReturnType<typeof fetchDirs>>) => data.dirs,
  };
}
