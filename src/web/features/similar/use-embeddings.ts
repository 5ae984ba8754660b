import { useQuery } from '@tanstack/react-query';
import type { EmbeddingInfo } from '../../../protocol/embeddings.js';
import { fetchEmbeddings } from '../../api/folders-api.js';

const NONE: EmbeddingInfo[] = [];

/** The dataset's embeddings (`GET /embeddings`); asked again while a table's vectors are still arriving. */
export function useEmbeddings(): EmbeddingInfo[] {
  const query = useQuery({
    queryKey: ['embeddings'],
    queryFn: ({ signal }) => fetchEmbeddings(signal),
    staleTime: 60_000,
    refetchInterval: (q) => (q.state.data?.some((e) => e.index.state === 'building') ? 5000 : false),
  });
  return query.data ?? NONE;
}
