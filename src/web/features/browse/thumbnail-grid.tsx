import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { DirEntry } from '../../../protocol/folders.js';
import type { Item } from '../../../protocol/items.js';
import { gridKeyAction, isTypingTarget } from '../../lib/keymap.js';
import { Spinner } from '../../components/spinner.js';
import { formatCount } from '../../components/format.js';
import { aspectOf, justifiedLayout, moveIndex, rowAtOffset, squareLayout, type GridLayout } from './grid-layout.js';
import { clearSelection, extendTo, isSelected, selectAll, selectOnly, toggle, type Selection } from './selection.js';
import { TAG_SEPARATOR, ThumbnailCell } from './thumbnail-cell.js';
import { thumbQueue } from '../../hooks/use-thumb.js';
import { useClaims } from '../../hooks/use-claims.js';
import type { Listing } from './use-listing.js';
import './thumbnail-grid.css';

export type GridMode = 'justified' | 'square';

export interface ThumbnailGridProps {
  listing: Listing;
  mode: GridMode;
  /** Target row height (justified) or preferred cell edge (square), in CSS pixels. */
  size: number;
  selection: Selection;
  onSelectionChange: (selection: Selection) => void;
  onOpen: (index: number) => void;
  onOpenFolder: (path: string) => void;
  onParent: () => void;
  onFocusSearch: () => void;
  /** False while the viewer or the compare view is open: it owns the keyboard then. */
  keyboard: boolean;
  /** `C`: compare the selection (the app checks it holds 2–4 items). */
  onCompare?: () => void;
  onSizeChange?: (size: number) => void;
  /** When sorting by a metric: its name, so each cell shows its value. */
  badgeMetric?: string | null;
  /** Formats a metric value for the cell badge. */
  formatMetric?: (value: number) => string;
  /** "Find similar" on the focused item (Shift+S). */
  onFindSimilar?: (index: number) => void;
}

export const MIN_GRID_SIZE = 100;
export const MAX_GRID_SIZE = 400;

const GAP = 4;
const PADDING = 16;

// Scroll offsets of recently left lists, so coming back (Back button, tree) restores the view.
const savedScroll = new Map<string, number>();
const MAX_SAVED_SCROLL = 50;

/**
 * The virtualized thumbnail grid: only rows near the viewport are in the DOM, whatever the size
 * of the folder. The layout of every row is computed up front (typed arrays, a few ms for 100k
 * items) so the virtualizer knows exact row heights and the scrollbar never jumps.
 */
export function ThumbnailGrid({ listing, mode, size, selection, onSelectionChange, onOpen, onOpenFolder, onParent, onFocusSearch, keyboard, onCompare, onSizeChange, badgeMetric = null, formatMetric = String, onFindSimilar }: ThumbnailGridProps) {
  const claims = useClaims();
  const scrollRef = useRef<HTMLDivElement>(null);
  const headerRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [headerHeight, setHeaderHeight] = useState(0);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const update = () => setWidth(Math.max(0, el.clientWidth - PADDING * 2));
    update();
    const observer = new ResizeObserver(update);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the header element mounts and unmounts with the folder chips: re-observe exactly then
  useLayoutEffect(() => {
    const el = headerRef.current;
    if (!el) {
      setHeaderHeight(0);
      return;
    }
    const update = () => setHeaderHeight(el.offsetHeight);
    update();
    const observer = new ResizeObserver(update);
    observer.observe(el);
    return () => observer.disconnect();
  }, [listing.dirs.length > 0]);

  const { total, getItem } = listing;
  const layout = useMemo(
    () =>
      mode === 'square'
        ? squareLayout({ count: total, width, size, gap: GAP })
        : justifiedLayout({
            count: total,
            width,
            targetHeight: size,
            gap: GAP,
            aspect: (i) => {
              const item = getItem(i);
              return aspectOf(item?.w, item?.h);
            },
          }),
    [mode, total, width, size, getItem],
  );

  const virtualizer = useVirtualizer({
    count: layout.rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (layout.rows[i]?.height ?? size) + GAP,
    overscan: 3,
    paddingStart: PADDING,
    paddingEnd: PADDING,
    scrollMargin: headerHeight,
  });

  // Read on scroll, not in the effect: by then a shorter grid has already clamped scrollTop.
  const lastScrollTop = useRef(0);

  // A different list: drop thumbnail requests for the old one, and start at the top, or where
  // the user left this list (Back to a folder returns to the same place).
  const listingKey = listing.key;
  useLayoutEffect(() => {
    thumbQueue.cancelAll();
    const el = scrollRef.current;
    if (!el) return;
    const top = savedScroll.get(listingKey) ?? 0;
    el.scrollTop = top;
    lastScrollTop.current = el.scrollTop;
    return () => {
      savedScroll.delete(listingKey);
      savedScroll.set(listingKey, lastScrollTop.current);
      if (savedScroll.size > MAX_SAVED_SCROLL) savedScroll.delete(savedScroll.keys().next().value as string);
    };
  }, [listingKey]);

  // Row sizes come from the layout, not from measuring the DOM: re-read them when it changes.
  // The first visible item stays where it was on screen, so a window of real dimensions arriving
  // above the viewport, a resize or the size slider never makes the content jump.
  const previous = useRef<{ key: string; layout: GridLayout } | null>(null);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onScroll = () => (lastScrollTop.current = el.scrollTop);
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, []);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const prev = previous.current;
    previous.current = { key: listingKey, layout };
    virtualizer.measure();
    if (!el || !prev || prev.key !== listingKey || prev.layout === layout) return;
    const origin = headerHeight + PADDING;
    const offset = lastScrollTop.current - origin;
    if (offset <= 0 || prev.layout.rows.length === 0) return;
    const oldRow = prev.layout.rows[rowAtOffset(prev.layout, offset)]!;
    const newRow = layout.rows[layout.rowOf[oldRow.start] ?? -1];
    if (!newRow) return;
    const within = Math.min(1, (offset - oldRow.top) / (oldRow.height + GAP));
    const target = Math.round(origin + newRow.top + within * (newRow.height + GAP));
    if (Math.abs(target - el.scrollTop) >= 1) el.scrollTop = target;
    lastScrollTop.current = target;
  }, [virtualizer, layout, listingKey, headerHeight]);

  const virtualRows = virtualizer.getVirtualItems();
  const range = virtualizer.range;
  const firstVisible = range ? (layout.rows[range.startIndex]?.start ?? 0) : 0;
  const lastVisible = range ? (layout.rows[range.endIndex]?.end ?? 1) - 1 : 0;
  const { setVisibleRange } = listing;
  useEffect(() => {
    thumbQueue.setViewport(firstVisible, lastVisible);
    setVisibleRange(firstVisible, lastVisible);
  }, [firstVisible, lastVisible, setVisibleRange]);

  // Bring the keyboard cursor on screen when it moves (keys, viewer steps), but only then: a
  // window arriving later must not yank the user back from wherever they scrolled with the wheel.
  // Behind the viewer (`keyboard` false) the grid is not seen: scrolling it on every step would
  // force a layout before the next image is painted, so it is revealed once the viewer closes.
  const focus = selection.focus;
  const revealed = useRef(-1);
  useEffect(() => {
    if (focus === revealed.current || !keyboard) return;
    if (focus < 0 || focus >= total) {
      revealed.current = focus;
      return;
    }
    const row = layout.rowOf[focus];
    if (row === undefined || !layout.rows[row]) return;
    revealed.current = focus;
    virtualizer.scrollToIndex(row, { align: 'auto' });
  }, [focus, layout, total, virtualizer, keyboard]);

  const handleClick = useCallback(
    (e: MouseEvent<HTMLDivElement>) => {
      const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
      if (!cell) {
        if (e.target === e.currentTarget || (e.target as HTMLElement).classList.contains('grid-rows')) onSelectionChange(clearSelection(selection));
        return;
      }
      const index = Number(cell.dataset.index);
      const mod = e.ctrlKey || e.metaKey;
      if (e.shiftKey) onSelectionChange(extendTo(selection, index, mod));
      else if (mod) onSelectionChange(toggle(selection, index));
      else onSelectionChange(selectOnly(index));
    },
    [selection, onSelectionChange],
  );

  const handleDoubleClick = useCallback(
    (e: MouseEvent<HTMLDivElement>) => {
      const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
      if (cell) onOpen(Number(cell.dataset.index));
    },
    [onOpen],
  );

  useEffect(() => {
    if (!keyboard) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTypingTarget(e.target as HTMLElement)) return;
      if ((e.target as HTMLElement).closest?.('[data-keyboard-scope]')) return;
      const action = gridKeyAction(e);
      if (!action) return;
      // Enter on a focused toolbar button presses that button, nothing more.
      if (action.type === 'open' && (e.target as HTMLElement).closest?.('button, a, [role="radio"]')) return;
      e.preventDefault();
      switch (action.type) {
        case 'move': {
          const next = moveIndex(layout, total, selection.focus, action.direction);
          if (next < 0) return;
          onSelectionChange(action.extend ? extendTo(selection, next) : selectOnly(next));
          return;
        }
        case 'open':
          if (selection.focus >= 0) onOpen(selection.focus);
          return;
        case 'parent':
          return onParent();
        case 'select-all':
          return onSelectionChange(selectAll(total, selection.focus));
        case 'clear':
          return onSelectionChange(clearSelection(selection));
        case 'focus-search':
          return onFocusSearch();
        case 'compare':
          return onCompare?.();
        case 'find-similar':
          if (selection.focus >= 0) onFindSimilar?.(selection.focus);
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [keyboard, layout, total, selection, onSelectionChange, onOpen, onParent, onFocusSearch, onCompare, onFindSimilar]);

  // Ctrl/Cmd+wheel (and trackpad pinch, which Chrome reports the same way) resizes thumbnails.
  const sizeRef = useRef(size);
  sizeRef.current = size;
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || !onSizeChange) return;
    const onWheel = (e: WheelEvent) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      const next = Math.round((sizeRef.current - Math.sign(e.deltaY) * 20) / 10) * 10;
      onSizeChange(Math.min(MAX_GRID_SIZE, Math.max(MIN_GRID_SIZE, next)));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [onSizeChange]);

  const square = mode === 'square';
  const empty = !listing.isLoading && !listing.error && total === 0;

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/useSemanticElements: a virtualized ARIA grid (absolutely positioned rows, so no <table>); its keys are handled on window by the keymap, clicks here by delegation
    <div className="grid-scroll" ref={scrollRef} onClick={handleClick} onDoubleClick={handleDoubleClick} role="grid" aria-label="Images" aria-rowcount={layout.rows.length} data-total={total}>
      {listing.dirs.length > 0 ? (
        <div className="grid-header" ref={headerRef}>
          <FolderChips dirs={listing.dirs} onOpenFolder={onOpenFolder} />
        </div>
      ) : null}
      {listing.error ? (
        <div className="grid-message" role="alert">
          <strong>Couldn’t load this folder</strong>
          <span>{listing.error.message}</span>
        </div>
      ) : listing.isLoading ? (
        <div className="grid-message">
          <Spinner delayMs={150} />
        </div>
      ) : empty ? (
        <div className="grid-message">
          <strong>No images here</strong>
          <span>{listing.dirs.length > 0 ? 'Open a folder above to browse its images.' : 'This folder is empty.'}</span>
        </div>
      ) : null}
      {/* Heights and offsets come from the layout itself, never from the virtualizer's cached
          measurements, which lag one render behind a layout change. */}
      <div className="grid-rows" style={{ height: layout.rows.length ? layout.totalHeight + PADDING * 2 : 0 }}>
        {virtualRows.map((virtualRow) => {
          const row = layout.rows[virtualRow.index];
          if (!row) return null;
          const cells = [];
          for (let i = row.start; i < row.end; i++) {
            const item = getItem(i);
            cells.push(
              <ThumbnailCell
                key={item?.path ?? `#${i}`}
                index={i}
                path={item?.path ?? null}
                name={item?.name ?? ''}
                left={layout.x[i]!}
                width={layout.w[i]!}
                height={row.height}
                selected={isSelected(selection, i)}
                focused={selection.focus === i}
                square={square}
                star={item?.star ?? 0}
                flag={item?.flag ?? ''}
                tags={item ? item.tags.join(TAG_SEPARATOR) : ''}
                metric={cellBadge(item, badgeMetric, formatMetric)}
                claimedBy={item ? (claims.get(item.path)?.join(TAG_SEPARATOR) ?? '') : ''}
              />,
            );
          }
          return (
            // biome-ignore lint/a11y/useFocusableInteractive lint/a11y/useSemanticElements: a row of the virtualized ARIA grid; focus stays on the grid
            <div
              key={virtualRow.key}
              className="grid-row"
              role="row"
              style={{ transform: `translateY(${PADDING + row.top}px)`, height: row.height }}
            >
              {cells}
            </div>
          );
        })}
      </div>
    </div>
  );
}

// The chips are a shortcut, not the folder browser (that is the virtualized tree): a folder with
// thousands of subfolders must not put thousands of buttons in the DOM.
const MAX_CHIPS = 40;

function FolderChips({ dirs, onOpenFolder }: { dirs: DirEntry[]; onOpenFolder: (path: string) => void }) {
  const hidden = dirs.length - MAX_CHIPS;
  return (
    <nav className="folder-chips" aria-label="Subfolders">
      {dirs.slice(0, MAX_CHIPS).map((dir) => (
        <button
          key={dir.path}
          type="button"
          className="folder-chip"
          onClick={(e) => {
            e.stopPropagation();
            onOpenFolder(dir.path);
          }}
        >
          <FolderGlyph />
          <span className="folder-chip-name">{dir.name}</span>
          <span className="folder-chip-count">{formatCount(dir.count)}</span>
        </button>
      ))}
      {hidden > 0 ? <span className="folder-chips-more">and {formatCount(hidden)} more in the sidebar</span> : null}
    </nav>
  );
}

function FolderGlyph() {
  return (
    <svg className="folder-glyph" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M1.5 3.5a1 1 0 0 1 1-1h3.6l1.5 1.5h5.9a1 1 0 0 1 1 1v7.5a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1z" fill="currentColor" />
    </svg>
  );
}

/** A similarity list's score (`POST /similar` items carry one), else the sort metric's value. */
function cellBadge(item: Item | undefined, badgeMetric: string | null, formatMetric: (value: number) => string): string {
  const score = (item as { score?: number } | undefined)?.score;
  if (score !== undefined) return score.toFixed(3);
  return badgeMetric && item?.metrics?.[badgeMetric] !== undefined ? formatMetric(item.metrics[badgeMetric]) : '';
}
