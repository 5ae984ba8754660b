import { useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { DirEntry } from '../../../protocol/folders.js';
import { treeKeyAction } from '../../lib/keymap.js';
import { statsQuery } from '../../api/progress-api.js';
import { dirsQuery } from '../../api/queries.js';
import { CompletionBar } from '../../components/completion-bar.js';
import { formatCount } from '../../components/format.js';
import { ancestorsOf, flattenTree, treeEffect, type TreeRow } from '../../lib/tree-model.js';
import './folder-tree.css';

export interface FolderTreeProps {
  rootName: string;
  rootCount: number;
  /** The open folder: highlighted, and its ancestors are expanded. */
  current: string;
  onOpen: (path: string) => void;
}

const ROW_HEIGHT = 30;

/**
 * Lazy, virtualized folder tree: a folder's children are fetched (`/folders?limit=0`) only when
 * it is expanded, and only visible rows are in the DOM, so 8,000 folders cost what 30 do.
 */
export function FolderTree({ rootName, rootCount, current, onOpen }: FolderTreeProps) {
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set(ancestorsOf(current)));
  const [focusIndex, setFocusIndex] = useState(-1);
  const scrollRef = useRef<HTMLDivElement>(null);

  // Navigating elsewhere (grid, breadcrumb, URL) reveals the folder in the tree.
  useEffect(() => {
    setExpanded((prev) => {
      const missing = ancestorsOf(current).filter((p) => !prev.has(p));
      return missing.length ? new Set([...prev, ...missing]) : prev;
    });
  }, [current]);

  const expandedList = useMemo(() => [...expanded].sort(), [expanded]);
  const results = useQueries({ queries: expandedList.map((path) => dirsQuery(path)) });
  const children = new Map<string, DirEntry[]>();
  expandedList.forEach((path, i) => {
    const data = results[i]?.data;
    if (data) children.set(path, data);
  });
  const childrenKey = results.map((r) => r.dataUpdatedAt).join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: children is rebuilt each render; childrenKey says when its content changed
  const rows = useMemo(
    () => flattenTree({ name: rootName, count: rootCount }, (p) => children.get(p), expanded),
    [rootName, rootCount, expanded, childrenKey],
  );

  const currentIndex = rows.findIndex((r) => r.path === current);
  const activeIndex = focusIndex >= 0 && focusIndex < rows.length ? focusIndex : Math.max(0, currentIndex);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    paddingStart: 6,
    paddingEnd: 6,
  });

  // Completion bars only for the rows on screen: each is one cached `POST /stats` (the subtree's
  // tally, no scan), refetched when an edit lands in it (see use-progress-live.ts).
  const visible = virtualizer.getVirtualItems();
  const visiblePaths = visible.map((v) => rows[v.index]?.path).filter((p): p is string => p !== undefined);
  const stats = useQueries({ queries: visiblePaths.map((path) => ({ ...statsQuery(path, true), select: pickCompletion })) });
  const completionOf = new Map<string, { labeled: number; total: number }>();
  visiblePaths.forEach((path, i) => {
    const data = stats[i]?.data;
    if (data) completionOf.set(path, data);
  });

  // Reveal the open folder when it changes (once its row exists), not whenever rows above it
  // expand: that would scroll the tree away from where the user is expanding.
  const revealed = useRef<string | null>(null);
  useEffect(() => {
    if (currentIndex < 0 || revealed.current === current) return;
    revealed.current = current;
    virtualizer.scrollToIndex(currentIndex, { align: 'auto' });
  }, [current, currentIndex, virtualizer]);

  const toggle = useCallback((path: string) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });
  }, []);

  const handleClick = useCallback(
    (e: MouseEvent<HTMLDivElement>) => {
      const target = e.target as HTMLElement;
      const rowEl = target.closest<HTMLElement>('[data-tree-index]');
      if (!rowEl) return;
      const index = Number(rowEl.dataset.treeIndex);
      const row = rows[index];
      if (!row) return;
      setFocusIndex(index);
      if (target.closest('.tree-twisty')) toggle(row.path);
      else onOpen(row.path);
    },
    [rows, toggle, onOpen],
  );

  const handleKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      const action = treeKeyAction(e);
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      const effect = treeEffect(rows, activeIndex, action);
      if (!effect) return;
      if (effect.type === 'focus') {
        setFocusIndex(effect.index);
        virtualizer.scrollToIndex(effect.index, { align: 'auto' });
      } else if (effect.type === 'expand' || effect.type === 'collapse') {
        toggle(effect.path);
      } else onOpen(effect.path);
    },
    [rows, activeIndex, toggle, onOpen, virtualizer],
  );

  const activeRow = rows[activeIndex];
  return (
    <div
      className="tree"
      ref={scrollRef}
      role="tree"
      aria-label="Folders"
      tabIndex={0}
      data-keyboard-scope="tree"
      aria-activedescendant={activeRow ? treeRowId(activeRow.path) : undefined}
      onKeyDown={handleKeyDown}
      onClick={handleClick}
      onBlur={() => setFocusIndex(-1)}
    >
      <div className="tree-rows" style={{ height: virtualizer.getTotalSize() }}>
        {visible.map((v) => {
          const row = rows[v.index]!;
          const done = completionOf.get(row.path);
          return (
            <TreeRowView
              key={row.path}
              index={v.index}
              top={v.start}
              path={row.path}
              name={row.name}
              count={row.count}
              labeled={done?.labeled ?? -1}
              total={done?.total ?? 0}
              depth={row.depth}
              expanded={row.expanded}
              expandable={row.expandable}
              loading={row.loading}
              active={row.path === current}
              focused={v.index === focusIndex}
            />
          );
        })}
      </div>
    </div>
  );
}

function treeRowId(path: string): string {
  return `tree-${encodeURIComponent(path)}`;
}

const pickCompletion = (s: { labeled: number; total: number }) => ({ labeled: s.labeled, total: s.total });

type TreeRowViewProps = Omit<TreeRow, 'children'> & {
  index: number;
  top: number;
  active: boolean;
  focused: boolean;
  /** Labeled items of the subtree, -1 while unknown (no bar). */
  labeled: number;
  total: number;
};

// Hoisted and memoized with primitive props, like the grid cells (see thumbnail-cell.tsx).
const TreeRowView = memo(function TreeRowView({ index, top, path, name, count, labeled, total, depth, expanded, expandable, loading, active, focused }: TreeRowViewProps) {
  return (
    // biome-ignore lint/a11y/useFocusableInteractive: tree items are reached with aria-activedescendant; focus stays on the tree
    <div
      id={treeRowId(path)}
      className={`tree-row${active ? ' is-active' : ''}${focused ? ' is-focused' : ''}`}
      role="treeitem"
      aria-level={depth + 1}
      aria-expanded={expandable ? expanded : undefined}
      aria-selected={active}
      data-tree-index={index}
      data-path={path}
      title={name}
      style={{ transform: `translateY(${top}px)`, paddingLeft: 8 + depth * 14 }}
    >
      <span className={`tree-twisty${expanded ? ' is-open' : ''}${expandable ? '' : ' is-leaf'}${loading ? ' is-loading' : ''}`} aria-hidden="true">
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M6 4l4 4-4 4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </span>
      <span className="tree-name">{name}</span>
      {labeled >= 0 && total > 0 ? <CompletionBar name={name} labeled={labeled} total={total} /> : null}
      <span className="tree-count">{formatCount(count)}</span>
    </div>
  );
});
