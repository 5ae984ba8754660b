// Decoded neighbour images are kept referenced here so the browser doesn't drop them before the
// user steps to them. Small and bounded: ±2 neighbours plus a little history.
const MAX_PREFETCHED = 8;
const prefetched = new Map<string, HTMLImageElement>();
const decoded = new WeakSet<HTMLImageElement>();

/** Starts loading and decoding a full-size image the viewer will likely show next. */
export function prefetchFull(url: string): void {
  const existing = prefetched.get(url);
  if (existing) {
    prefetched.delete(url);
    prefetched.set(url, existing);
    return;
  }
  const img = new Image();
  img.decoding = 'async';
  img.src = url;
  img.decode().then(
    () => decoded.add(img),
    () => prefetched.delete(url),
  );
  prefetched.set(url, img);
  while (prefetched.size > MAX_PREFETCHED) {
    const oldest = prefetched.keys().next().value as string;
    const stale = prefetched.get(oldest);
    prefetched.delete(oldest);
    if (stale) stale.src = '';
  }
}

/**
 * The prefetched image for `url` once it has been decoded, else undefined: the viewer shows it at
 * once instead of decoding the same bytes again (the step auto-advance waits on).
 */
export function decodedPrefetch(url: string): HTMLImageElement | undefined {
  const img = prefetched.get(url);
  return img && decoded.has(img) ? img : undefined;
}
