import { useEffect, useState } from 'react';
import { thumbUrl } from '../../api/http-client.js';
import { ThumbQueue } from './thumb-queue.js';

/** One queue for the whole page: the ≤6-in-flight bound must hold across grid and viewer. */
export const thumbQueue = new ThumbQueue({ maxInFlight: 6 });

/** The object URL of a thumbnail once loaded; requests it through the bounded queue. */
export function useThumb(path: string | null, index: number): { src: string | null; failed: boolean } {
  const [state, setState] = useState<{ path: string | null; src: string | null; failed: boolean }>(() => ({
    path,
    src: path ? (thumbQueue.peek(thumbUrl(path)) ?? null) : null,
    failed: false,
  }));
  useEffect(() => {
    if (!path) return;
    return thumbQueue.request(thumbUrl(path), index, (src) => setState({ path, src, failed: src === null }));
    // index only orders the queue; a changed index for the same path needs no new request
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path]);
  if (state.path !== path) return { src: path ? (thumbQueue.peek(thumbUrl(path)) ?? null) : null, failed: false };
  return state;
}
