import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type PointerEvent } from 'react';
import type { Item } from '../../../protocol/items.js';
import { baseName } from '../../../protocol/paths.js';
import { findCachedItem } from '../../api/item-cache.js';
import { mediaStamps } from '../../api/media-stamps.js';
import { isTypingTarget, viewerKeyAction } from '../../lib/keymap.js';
import { Spinner } from '../../components/spinner.js';
import { useElementSize } from '../../hooks/use-element-size.js';
import { useMediaStamp, useThumb } from '../../hooks/use-thumb.js';
import { atLeast, sourceUrl, viewerSource, type ImageSource } from './image-source.js';
import { decodedPrefetch, prefetchFull } from './prefetch.js';
import { clampScale, fitScale, wheelFactor, zoomAround, type Point } from './zoom.js';
import './image-viewer.css';

export interface ImageViewerProps {
  path: string;
  /** The item, when its listing window is loaded (dimensions, name). */
  item: Item | undefined;
  /** Position in the listing, or -1 when not known (yet). */
  index: number;
  total: number;
  /** Paths of the ±2 neighbours, to prefetch. */
  neighbours: string[];
  onClose: () => void;
  onStep: (delta: number) => void;
  /** The file was deleted (or moved out of reach) while open: say so instead of a load error. */
  removed?: boolean;
}

interface View {
  /** Null means "fit to screen", which follows window resizes. */
  scale: number | null;
  pan: Point;
}

const FIT: View = { scale: null, pan: { x: 0, y: 0 } };
// The viewer's full-size image replaces the thumbnail only once decoded (no flicker), and the
// spinner appears only if that takes longer than this.
const SPINNER_DELAY_MS = 150;

export function ImageViewer({ path, item, index, total, neighbours, onClose, onStep, removed = false }: ImageViewerProps) {
  const stageRef = useRef<HTMLDivElement>(null);
  const box = useElementSize(stageRef);
  const [view, setView] = useState<View>(FIT);
  // What is drawn once decoded: a screen-sized rendition, or the original (image-source.ts).
  const [full, setFull] = useState<{ path: string; src: string; original: boolean; w: number; h: number } | null>(null);
  const [floor, setFloor] = useState<{ path: string; source: ImageSource } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [thumbDims, setThumbDims] = useState<{ path: string; w: number; h: number } | null>(null);
  const thumb = useThumb(path, index);
  // A file rewritten in place while open is decoded again under its new stamp (zoom and pan stay).
  const stamp = useMediaStamp(path);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new path starts fitted to the screen
  useEffect(() => setView(FIT), [path]);

  // The rendition that fills the screen, or the original once the zoom needs more pixels than it
  // has (never back down for this image). An image of unknown size loads its original.
  const listed = item && item.w > 0 && item.h > 0 ? { w: item.w, h: item.h } : null;
  const wanted = viewerSource(listed, box, view.scale);
  const source = wanted && atLeast(floor?.path === path ? floor.source : null, wanted);
  const src = source ? sourceUrl(path, source, stamp) : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: src names the source (path, kind, edge, stamp)
  useEffect(() => {
    if (source) setFloor((prev) => (prev?.path === path && atLeast(prev.source, source) === prev.source ? prev : { path, source }));
  }, [src]);

  // A neighbour prefetched and decoded already is shown in the render that shows its path: a step
  // with auto-advance is one commit, not a second render from an effect (which React runs at a
  // lower priority, often a frame later).
  const ready = full?.path === path || !src ? undefined : decodedPrefetch(src);

  // Decode it off screen, then swap it in (what was drawn stays until then).
  // biome-ignore lint/correctness/useExhaustiveDependencies: src names the source (path, kind, edge, stamp)
  useEffect(() => {
    setFailed(null);
    if (!src || !source) return;
    let cancelled = false;
    const original = source.kind === 'file';
    const ready = decodedPrefetch(src);
    if (ready) {
      setFull({ path, src, original, w: ready.naturalWidth, h: ready.naturalHeight });
      return;
    }
    const img = new Image();
    img.src = src;
    img
      .decode()
      .then(() => {
        if (!cancelled) setFull({ path, src, original, w: img.naturalWidth, h: img.naturalHeight });
      })
      .catch(() => {
        if (cancelled) return;
        // A rendition the server cannot make: try the original (the browser may decode what sharp cannot).
        if (original) setFailed(path);
        else setFloor({ path, source: { kind: 'file' } });
      });
    return () => {
      cancelled = true;
    };
  }, [src]);

  const queryClient = useQueryClient();
  const { width: boxW, height: boxH } = box;
  useEffect(() => {
    // The source and stamp the viewer will ask for when it shows them, so the prefetched bytes are the ones it shows.
    for (const p of neighbours) {
      const n = findCachedItem(queryClient, p);
      const fits = viewerSource(n && n.w > 0 && n.h > 0 ? { w: n.w, h: n.h } : null, { width: boxW, height: boxH }, null);
      if (fits) prefetchFull(sourceUrl(p, fits, mediaStamps.get(p)));
    }
  }, [neighbours, queryClient, boxW, boxH]);

  const fullReady =
    full?.path === path ? full : ready && src && source ? { path, src, original: source.kind === 'file', w: ready.naturalWidth, h: ready.naturalHeight } : null;
  // The layout uses the original's size (a rendition is drawn over the same box), so the zoom
  // readout counts original pixels and a swap of sources never moves the image.
  const natural = fullReady?.original
    ? { w: fullReady.w, h: fullReady.h }
    : (listed ??
      (thumbDims?.path === path
        ? // Unknown size: fit the thumbnail's shape to the screen until the real size is known.
          { w: thumbDims.w * 16, h: thumbDims.h * 16 }
        : null));
  const fit = natural ? fitScale(natural.w, natural.h, box.width, box.height) : 1;
  const scale = view.scale ?? fit;

  const zoomTo = useCallback(
    (next: number, cursor: Point = { x: 0, y: 0 }) => {
      setView((v) => {
        const from = v.scale ?? fit;
        const to = clampScale(next);
        return { scale: to, pan: zoomAround(v.pan, from, to, cursor) };
      });
    },
    [fit],
  );

  // Wheel zoom around the cursor; the listener must be non-passive to stop page scrolling.
  useEffect(() => {
    const el = stageRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = el.getBoundingClientRect();
      const cursor = { x: e.clientX - rect.left - rect.width / 2, y: e.clientY - rect.top - rect.height / 2 };
      setView((v) => {
        const from = v.scale ?? fit;
        const to = clampScale(from * wheelFactor(e.deltaY, e.deltaMode));
        return { scale: to, pan: zoomAround(v.pan, from, to, cursor) };
      });
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [fit]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTypingTarget(e.target as HTMLElement)) return;
      const action = viewerKeyAction(e);
      if (!action) return;
      e.preventDefault();
      if (action === 'close') onClose();
      else if (action === 'next') onStep(1);
      else if (action === 'prev') onStep(-1);
      else if (action === 'zoom-in') zoomTo(scale * 1.25);
      else zoomTo(scale / 1.25);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose, onStep, zoomTo, scale]);

  // Drag to pan. A press that doesn't move and lands outside the image closes the viewer.
  const drag = useRef<{ x: number; y: number; pan: Point; moved: boolean; onImage: boolean } | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY, pan: view.pan, moved: false, onImage: (e.target as HTMLElement).tagName === 'IMG' };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    d.moved = true;
    setView((v) => ({ scale: v.scale ?? fit, pan: { x: d.pan.x + dx, y: d.pan.y + dy } }));
  };
  const onPointerUp = () => {
    const d = drag.current;
    drag.current = null;
    if (d && !d.moved && !d.onImage) onClose();
  };

  const shown = fullReady?.src ?? thumb.src;
  const name = item?.name ?? baseName(path);
  const showSpinner = !fullReady && failed !== path && !removed;
  const width = natural ? natural.w * scale : undefined;
  const height = natural ? natural.h * scale : undefined;

  return (
    <div className="viewer" role="dialog" aria-modal="true" aria-label={`Viewer: ${name}`} data-keyboard-scope="viewer">
      <header className="viewer-bar" onPointerDown={(e) => e.stopPropagation()}>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close viewer" title="Close (Esc)">
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M3.5 3.5l9 9M12.5 3.5l-9 9" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          </svg>
        </button>
        <div className="viewer-title">
          <span className="viewer-name" title={path}>
            {name}
          </span>
          <span className="viewer-meta">
            {index >= 0 ? `${(index + 1).toLocaleString('en')} of ${total.toLocaleString('en')}` : ''}
            {natural && fullReady ? ` · ${natural.w} × ${natural.h}` : item && item.w > 0 ? ` · ${item.w} × ${item.h}` : ''}
          </span>
        </div>
        <div className="viewer-zoom">
          <button type="button" className="icon-button" onClick={() => zoomTo(scale / 1.25)} aria-label="Zoom out" title="Zoom out (−)">
            <svg viewBox="0 0 16 16" aria-hidden="true">
              <path d="M4 8h8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
            </svg>
          </button>
          <button type="button" className="zoom-readout" onClick={() => setView(FIT)} title="Fit to screen" data-testid="zoom-readout">
            {Math.round(scale * 100)}%
          </button>
          <button type="button" className="icon-button" onClick={() => zoomTo(scale * 1.25)} aria-label="Zoom in" title="Zoom in (+)">
            <svg viewBox="0 0 16 16" aria-hidden="true">
              <path d="M4 8h8M8 4v8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
            </svg>
          </button>
        </div>
      </header>
      <div
        className="viewer-stage"
        ref={stageRef}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => (drag.current = null)}
        style={{ cursor: view.scale !== null && view.scale > fit ? 'grab' : 'default' }}
      >
        {shown ? (
          <img
            key={path}
            // Past 300% the user is inspecting pixels: show them crisp rather than smoothed.
            className={`viewer-img${scale >= 3 ? ' is-pixelated' : ''}`}
            src={shown}
            alt={name}
            draggable={false}
            data-full={fullReady ? 'true' : 'false'}
            data-source={fullReady ? (fullReady.original ? 'file' : 'preview') : 'thumb'}
            onLoad={(e) => {
              if (!fullReady) setThumbDims({ path, w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight });
            }}
            style={{
              width,
              height,
              transform: `translate(-50%, -50%) translate(${view.pan.x}px, ${view.pan.y}px)`,
            }}
          />
        ) : null}
        {showSpinner ? (
          <div className="viewer-spinner">
            <Spinner delayMs={SPINNER_DELAY_MS} />
          </div>
        ) : null}
        {removed ? (
          <div className="viewer-error" role="status" data-testid="viewer-removed">
            This file was removed
          </div>
        ) : failed === path ? (
          <div className="viewer-error">Couldn’t load this image</div>
        ) : null}
      </div>
      {index > 0 ? (
        <button type="button" className="viewer-nav is-prev" onClick={() => onStep(-1)} aria-label="Previous image" title="Previous (←)">
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M10 3.5L5.5 8l4.5 4.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </button>
      ) : null}
      {index >= 0 && index < total - 1 ? (
        <button type="button" className="viewer-nav is-next" onClick={() => onStep(1)} aria-label="Next image" title="Next (→)">
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M6 3.5L10.5 8 6 12.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </button>
      ) : null}
    </div>
  );
}
