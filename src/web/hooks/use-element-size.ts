import { useLayoutEffect, useState, type RefObject } from 'react';

/**
 * The content-box size of an element, kept current with a ResizeObserver. Pass `element` (any
 * value that changes with it) when the ref can move to another element while mounted.
 */
export function useElementSize(ref: RefObject<HTMLElement | null>, element?: unknown): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `element` says the ref now points elsewhere
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = (width: number, height: number) =>
      setSize((prev) => (prev.width === width && prev.height === height ? prev : { width, height }));
    update(el.clientWidth, el.clientHeight);
    const observer = new ResizeObserver(([entry]) => {
      if (entry) update(Math.floor(entry.contentRect.width), Math.floor(entry.contentRect.height));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref, element]);
  return size;
}
