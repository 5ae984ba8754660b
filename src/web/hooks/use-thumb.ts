import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { thumbUrl } from '../api/http-client.js';
import { mediaStamps } from '../api/media-stamps.js';
import { ThumbQueue } from '../api/thumb-queue.js';

/** One queue for the whole page: the ≤6-in-flight bound must hold across grid and viewer. */
export const thumbQueue = new ThumbQueue({ maxInFlight: 6 });

/** The stamp of a file rewritten since the page loaded (undefined if it was not). */
export function useMediaStamp(path: string | null): string | undefined {
  const get = useCallback(() => mediaStamps.get(path), [path]);
  return useSyncExternalStore(mediaStamps.subscribe, get);
}

/**
 * The object URL of a thumbnail once loaded; requests it through the bounded queue. `instant`
 * says it came from the cache at mount, so the cell can skip its fade-in (no flashing when
 * scrolling back over rows already seen). A file rewritten in place gets a new URL (its stamp),
 * so its new thumbnail is fetched; the old one stays on screen until the new one arrives.
 */
export function useThumb(path: string | null, index: number): { src: string | null; failed: boolean; instant: boolean } {
  const stamp = useMediaStamp(path);
  const url = path ? thumbUrl(path, stamp) : null;
  const [state, setState] = useState(() => {
    const src = url ? (thumbQueue.peek(url) ?? null) : null;
    return { path, url, src, failed: false, instant: src !== null };
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: index only orders the queue; a changed index for the same URL needs no new request
  useEffect(() => {
    if (!url) return;
    return thumbQueue.request(url, index, (src) =>
      setState((prev) => (prev.url === url && prev.src === src ? prev : { path, url, src, failed: src === null, instant: false })),
    );
  }, [url]);
  if (state.path !== path) {
    const src = url ? (thumbQueue.peek(url) ?? null) : null;
    return { src, failed: false, instant: src !== null };
  }
  return state;
}
