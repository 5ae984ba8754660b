import { QueryClient, useQuery } from '@tanstack/react-query';
import { fetchDirs, fetchHealth } from './folders-api.js';
import { queryKeys } from './query-keys.js';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => failures < 2 && (error as { status?: number })?.status !== 404,
      },
    },
  });
}

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
    select: (data: Awaited<ReturnType<typeof fetchDirs>>) => data.dirs,
  };
}
