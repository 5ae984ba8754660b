import { useEffect, useState } from 'react';
import { thumbUrl } from '../api/http-client.js';
import { ThumbQueue } from '../api/thumb-queue.js';

/** One queue for the whole page: the ≤6-in-flight bound must hold across grid and viewer. */
export const thumbQueue = new ThumbQueue({ maxInFlight: 6 });

/**
 * The object URL of a thumbnail once loaded; requests it through the bounded queue. `instant`
 * says it came from the cache at mount, so the cell can skip its fade-in (no flashing when
 * scrolling back over rows already seen).
 */
export function useThumb(path: string | null, index: number): { src: string | null; failed: boolean; instant: boolean } {
  const [state, setState] = useState(() => {
    const src = path ? (thumbQueue.peek(thumbUrl(path)) ?? null) : null;
    return { path, src, failed: false, instant: src !== null };
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: index only orders the queue; a changed index for the same path needs no new request
  useEffect(() => {
    if (!path) return;
    return thumbQueue.request(thumbUrl(path), index, (src) =>
      setState((prev) => (prev.path === path && prev.src === src ? prev : { path, src, failed: src === null, instant: false })),
    );
  }, [path]);
  if (state.path !== path) {
    const src = path ? (thumbQueue.peek(thumbUrl(path)) ?? null) : null;
    return { src, failed: false, instant: src !== null };
  }
  return state;
}
