import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { baseName } from '../../../protocol/paths.js';
import { compareKeyAction, isTypingTarget } from '../../lib/keymap.js';
import { useElementSize } from '../../hooks/use-element-size.js';
import { ComparisonExport } from './comparison-export.js';
import { PaneCaption, PaneImg, type PaneImage } from './compare-pane.js';
import { FITTED, actualSizeZoom, clampZoom, panBy, paneScale, zoomAt, type CompareView as View, type PaneGeometry } from './compare-sync.js';
import type { CompareItem } from './use-compare-items.js';
import { WipeDivider } from './wipe-divider.js';
import { wheelFactor, type Point } from './zoom.js';
import './compare-view.css';

export interface CompareViewProps {
  paths: readonly string[];
  items: readonly CompareItem[];
  /** Index of the focused pane: label keys act on it. */
  focus: number;
  onFocus: (index: number) => void;
  /** Two images over one area with a divider instead of side by side. */
  wipe: boolean;
  onWipe: (wipe: boolean) => void;
  onClose: () => void;
}

/** Pane rows and columns: 2 side by side, 3 in thirds, 4 in a 2×2 grid. */
export function paneColumns(count: number): number {
  return count === 4 ? 2 : count;
}

const KEY_ZOOM_STEP = 1.25;
const NOT_LOADED: PaneImage = { src: null, full: false, original: false, w: 0, h: 0, failed: false };

/**
 * The compare view: 2–4 images with one synced zoom and pan (compare-sync.ts), or two of them as
 * an A/B wipe. Over the grid like the viewer; the focused pane is what star keys rate (the app
 * reports it as the gallery's viewer path).
 */
export function CompareView({ paths, items, focus, onFocus, wipe: wipeWanted, onWipe, onClose }: CompareViewProps) {
  const wipe = wipeWanted && paths.length === 2;
  const stageRef = useRef<HTMLDivElement>(null);
  const box = useElementSize(stageRef, wipe);
  const [view, setView] = useState<View>(FITTED);
  const [divider, setDivider] = useState(0.5);
  const [loaded, setLoaded] = useState<Record<string, PaneImage>>({});
  const onImage = useCallback((path: string, image: PaneImage) => setLoaded((prev) => ({ ...prev, [path]: image })), []);
  const images = paths.map((p) => loaded[p] ?? NOT_LOADED);
  const geometries: PaneGeometry[] = images.map((im) => ({ boxW: box.width, boxH: box.height, imageW: im.w, imageH: im.h }));
  const known = geometries.filter((g) => g.imageW > 0 && g.boxW > 0);
  const latest = useRef({ geometries, known, focus });
  latest.current = { geometries, known, focus };
  const paneRefs = useRef<(HTMLElement | null)[]>([]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: other images start fitted, in the other mode too
  useEffect(() => setView(FITTED), [paths.join('\n'), wipe]);

  const focusPane = useCallback(
    (index: number) => {
      onFocus(index);
      paneRefs.current[index]?.focus({ preventScroll: true });
    },
    [onFocus],
  );

  // The dialog takes the keyboard where the grid left it: on the focused pane.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only on opening and switching modes
  useEffect(() => {
    paneRefs.current[latest.current.focus]?.focus({ preventScroll: true });
  }, [wipe]);

  const zoomAround = useCallback((pane: number, cursor: Point, factor: (zoom: number) => number) => {
    const { geometries: g, known: k } = latest.current;
    const geometry = g[pane];
    if (!geometry || geometry.imageW <= 0 || geometry.boxW <= 0) return;
    setView((v) => zoomAt(v, geometry, cursor, clampZoom(factor(v.zoom), k)));
  }, []);

  // Wheel zoom around the cursor; non-passive to keep the page from scrolling.
  const paneCount = paths.length;
  useEffect(() => {
    const stages = wipe ? [stageRef.current] : Array.from({ length: paneCount }, (_, i) => paneRefs.current[i]?.querySelector<HTMLElement>('.compare-stage') ?? null);
    const off: (() => void)[] = [];
    stages.forEach((el, i) => {
      if (!el) return;
      const onWheel = (e: WheelEvent) => {
        e.preventDefault();
        const rect = el.getBoundingClientRect();
        const cursor = { x: e.clientX - rect.left - rect.width / 2, y: e.clientY - rect.top - rect.height / 2 };
        // Over the wipe, the cursor is over image A left of the divider and B right of it.
        const pane = wipe ? (e.clientX - rect.left > divider * rect.width ? 1 : 0) : i;
        zoomAround(pane, cursor, (z) => z * wheelFactor(e.deltaY, e.deltaMode));
      };
      el.addEventListener('wheel', onWheel, { passive: false });
      off.push(() => el.removeEventListener('wheel', onWheel));
    });
    return () => {
      for (const f of off) f();
    };
  }, [wipe, divider, zoomAround, paneCount]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.defaultPrevented || isTypingTarget(target)) return;
      const action = compareKeyAction(e);
      if (!action) return;
      const count = paths.length;
      const { focus: current, geometries: g, known: k } = latest.current;
      const onPane = target === document.body || target.dataset.paneIndex !== undefined;
      if (action === 'next-pane' || action === 'prev-pane') {
        // Tab walks the panes; past the last (or before the first) it leaves them for the controls.
        if (!onPane) return;
        const next = current + (action === 'next-pane' ? 1 : -1);
        if (next < 0 || next >= count) return;
        e.preventDefault();
        return focusPane(next);
      }
      if (action.startsWith('pane-')) {
        if (target.closest('button, [role="slider"], [role="radio"]')) return;
        const columns = wipe ? 2 : paneColumns(count);
        const step = { 'pane-left': -1, 'pane-right': 1, 'pane-up': -columns, 'pane-down': columns }[action as 'pane-left'] ?? 0;
        const next = current + step;
        e.preventDefault();
        if (next >= 0 && next < count) focusPane(next);
        return;
      }
      e.preventDefault();
      if (action === 'close') return onClose();
      if (action === 'fit') return setView(FITTED);
      const geometry = g[current];
      if (!geometry || geometry.imageW <= 0) return;
      if (action === 'actual-size') setView((v) => zoomAt(v, geometry, { x: 0, y: 0 }, clampZoom(actualSizeZoom(geometry), k)));
      else zoomAround(current, { x: 0, y: 0 }, (z) => (action === 'zoom-in' ? z * KEY_ZOOM_STEP : z / KEY_ZOOM_STEP));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [paths.length, wipe, onClose, focusPane, zoomAround]);

  // Drag to pan every pane at once.
  const drag = useRef<{ x: number; y: number } | null>(null);
  const onPointerDown = (e: ReactPointerEvent<HTMLElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY };
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLElement>) => {
    const d = drag.current;
    if (!d) return;
    const delta = { x: e.clientX - d.x, y: e.clientY - d.y };
    drag.current = { x: e.clientX, y: e.clientY };
    setView((v) => panBy(v, delta));
  };
  const endDrag = () => {
    drag.current = null;
  };
  const stageHandlers = { onPointerDown, onPointerMove, onPointerUp: endDrag, onPointerCancel: endDrag };

  const focusedGeometry = geometries[focus];
  const percent = focusedGeometry && focusedGeometry.imageW > 0 && focusedGeometry.boxW > 0 ? Math.round(paneScale(view, focusedGeometry) * 100) : null;
  const names = paths.map((p, i) => items[i]?.item?.name ?? baseName(p));
  // For tests and the bench: every pane drawn at pane resolution, and every pane drawing its original.
  const allPainted = images.every((im) => im.full);
  const allOriginals = images.every((im) => im.original);

  return (
    <div className="viewer compare" role="dialog" aria-modal="true" aria-label={`Compare ${paths.length} images`} data-keyboard-scope="compare" data-painted={allPainted ? 'true' : 'false'} data-originals={allOriginals ? 'true' : 'false'}>
      <header className="viewer-bar compare-bar">
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close compare" title="Back to the grid (Esc)">
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M3.5 3.5l9 9M12.5 3.5l-9 9" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          </svg>
        </button>
        <div className="viewer-title">
          <span className="viewer-name">Compare</span>
          <span className="viewer-meta" title="1 fits · = shows 100% · Tab or arrows move the focused pane · 0–5 rate it (Shift+1 for one star) · Esc back to the grid">
            {paths.length} images
          </span>
        </div>
        <div className="segmented" role="radiogroup" aria-label="Compare mode">
          {/* biome-ignore lint/a11y/useSemanticElements: a segmented control; native radios cannot be styled as one */}
          <button type="button" role="radio" aria-checked={!wipe} className={wipe ? '' : 'is-on'} onClick={() => onWipe(false)} title="Side by side">
            Side by side
          </button>
          {/* biome-ignore lint/a11y/useSemanticElements: a segmented control; native radios cannot be styled as one */}
          <button
            type="button"
            role="radio"
            aria-checked={wipe}
            className={wipe ? 'is-on' : ''}
            disabled={paths.length !== 2}
            onClick={() => onWipe(true)}
            title={paths.length === 2 ? 'One image over the other, with a divider' : 'The A/B wipe compares two images'}
          >
            A/B wipe
          </button>
        </div>
        <div className="viewer-zoom">
          <button type="button" className="icon-button" onClick={() => zoomAround(focus, { x: 0, y: 0 }, (z) => z / KEY_ZOOM_STEP)} aria-label="Zoom out" title="Zoom out (−)">
            <svg viewBox="0 0 16 16" aria-hidden="true">
              <path d="M4 8h8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
            </svg>
          </button>
          <button type="button" className="zoom-readout" onClick={() => setView(FITTED)} title="Fit (1) · 100% is =" data-testid="compare-zoom">
            {percent === null ? '—' : `${percent}%`}
          </button>
          <button type="button" className="icon-button" onClick={() => zoomAround(focus, { x: 0, y: 0 }, (z) => z * KEY_ZOOM_STEP)} aria-label="Zoom in" title="Zoom in (+)">
            <svg viewBox="0 0 16 16" aria-hidden="true">
              <path d="M4 8h8M8 4v8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
            </svg>
          </button>
        </div>
        <ComparisonExport paths={paths} />
      </header>
      {wipe ? (
        <div className="compare-wipe">
          <div className="compare-wipe-heads">
            {paths.map((path, i) => (
              <PaneHead key={path} index={i} path={path} focused={focus === i} onFocus={onFocus} paneRefs={paneRefs} tag={i === 0 ? 'A' : 'B'} item={items[i]} image={images[i]!} />
            ))}
          </div>
          <div className="compare-stage is-wipe" ref={stageRef} {...stageHandlers}>
            <PaneImg path={paths[0]!} item={items[0]?.item} index={0} view={view} box={box} onImage={onImage} />
            <PaneImg path={paths[1]!} item={items[1]?.item} index={1} view={view} box={box} clipLeft={divider * box.width} onImage={onImage} />
            <WipeDivider value={divider} onChange={setDivider} width={box.width} nameA={names[0]!} nameB={names[1]!} />
            <PaneStatus images={images} items={items} />
          </div>
        </div>
      ) : (
        <div className={`compare-panes is-${paths.length}`} style={{ gridTemplateColumns: `repeat(${paneColumns(paths.length)}, minmax(0, 1fr))` }}>
          {paths.map((path, i) => (
            <section
              key={path}
              ref={(el) => {
                paneRefs.current[i] = el;
              }}
              className={`compare-pane${focus === i ? ' is-focused' : ''}`}
              tabIndex={focus === i ? 0 : -1}
              aria-label={`Pane ${i + 1}: ${names[i]}`}
              aria-current={focus === i ? 'true' : undefined}
              data-pane-index={i}
              data-path={path}
              onFocus={() => onFocus(i)}
              onPointerDown={() => onFocus(i)}
            >
              <div className="compare-head">
                <PaneCaption path={path} item={items[i]?.item} image={images[i]!} />
              </div>
              <div className="compare-stage" ref={i === 0 ? stageRef : undefined} {...stageHandlers}>
                <PaneImg path={path} item={items[i]?.item} index={i} view={view} box={box} onImage={onImage} />
                <PaneStatus images={[images[i]!]} items={[items[i]]} />
              </div>
            </section>
          ))}
        </div>
      )}
    </div>
  );
}

function PaneHead({ index, path, focused, onFocus, paneRefs, tag, item, image }: { index: number; path: string; focused: boolean; onFocus: (i: number) => void; paneRefs: { current: (HTMLElement | null)[] }; tag: string; item: CompareItem | undefined; image: PaneImage }) {
  return (
    <section
      ref={(el) => {
        paneRefs.current[index] = el;
      }}
      className={`compare-head is-wipe-head${focused ? ' is-focused' : ''}`}
      tabIndex={focused ? 0 : -1}
      aria-label={`Pane ${tag}: ${item?.item?.name ?? baseName(path)}`}
      aria-current={focused ? 'true' : undefined}
      data-pane-index={index}
      data-path={path}
      onFocus={() => onFocus(index)}
      onPointerDown={() => onFocus(index)}
    >
      <PaneCaption path={path} item={item?.item} image={image} tag={tag} />
    </section>
  );
}

/** Says when an image is gone or failed to load, instead of an empty pane. */
function PaneStatus({ images, items }: { images: readonly PaneImage[]; items: readonly (CompareItem | undefined)[] }) {
  const missing = items.some((i) => i?.missing);
  const failed = images.some((i) => i.failed);
  if (!missing && !failed) return null;
  return (
    <div className="viewer-error" role="status">
      {missing ? 'This file was removed' : 'Couldn’t load this image'}
    </div>
  );
}
