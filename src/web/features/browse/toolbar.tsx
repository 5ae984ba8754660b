import { useEffect, useState, type ReactNode, type RefObject } from 'react';
import type { Health } from '../../../protocol/health.js';
import type { SortKey, SortOrder } from '../../lib/url-state.js';
import { formatNumber } from '../../components/format.js';
import { useDebouncedValue } from '../../hooks/use-debounced-value.js';
import { Breadcrumb } from './breadcrumb.js';
import { MAX_GRID_SIZE, MIN_GRID_SIZE, type GridMode } from './thumbnail-grid.js';
import './toolbar.css';

export interface ToolbarProps {
  rootName: string;
  path: string;
  onNavigate: (path: string) => void;
  query: string;
  onQuery: (q: string) => void;
  searchRef: RefObject<HTMLInputElement | null>;
  /** Items in the current list (folder or search results); null while loading. */
  count: number | null;
  /** Server-side match count when a search result was capped. */
  matches: number;
  selectedCount: number;
  indexing: Health['indexing'] | undefined;
  sort: SortKey;
  order: SortOrder;
  onSort: (sort: SortKey) => void;
  onToggleOrder: () => void;
  onShuffle: () => void;
  mode: GridMode;
  onMode: (mode: GridMode) => void;
  size: number;
  onSize: (size: number) => void;
  right?: ReactNode;
  /** Metric names offered as sort keys (`metric:<name>`). */
  metricNames?: readonly string[];
  /** The Filter button, left of the sort menu. */
  filter?: ReactNode;
  /** The auto-advance switch, left of the Filter button. */
  triage?: ReactNode;
  /** After the item count: what is left to label. */
  countExtra?: ReactNode;
  /** 2–4 items are selected (and loaded): "Compare" opens them side by side. */
  canCompare?: boolean;
  onCompare?: () => void;
  /** "Find similar", right of the Filter button. */
  similar?: ReactNode;
}


const SEARCH_DEBOUNCE_MS = 250;

const SORT_LABELS = { name: 'Name', added: 'Date added', random: 'Random' } as const;
const NO_METRICS: readonly string[] = [];

export function Toolbar(props: ToolbarProps) {
  const { query, onQuery } = props;
  const [draft, setDraft] = useState(query);
  const debounced = useDebouncedValue(draft.trim(), SEARCH_DEBOUNCE_MS);
  // The URL can change the query too (Back, links): follow it unless the user is mid-edit.
  useEffect(() => setDraft((d) => (d.trim() === query ? d : query)), [query]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled draft navigates; a changed query or callback alone must not
  useEffect(() => {
    if (debounced !== query) onQuery(debounced);
  }, [debounced]);

  const searching = query.length > 0;
  const { count, indexing } = props;
  const metricNames = props.metricNames ?? NO_METRICS;
  const current = props.sort.startsWith('metric:') ? props.sort.slice(7) : null;
  const sortMetrics = current && !metricNames.includes(current) ? [current, ...metricNames] : metricNames;
  return (
    <header className="toolbar">
      <div className="toolbar-scope">
        <div className="scope-text">
        <Breadcrumb rootName={props.rootName} path={props.path} onNavigate={props.onNavigate} />
        <span className="toolbar-count" aria-live="polite" data-testid="item-count">
          {count === null
            ? '\u00a0'
            : searching
              ? `${formatNumber(count)}${props.matches > count ? ` of ${formatNumber(props.matches)}` : ''} ${props.matches === 1 ? 'match' : 'matches'}`
              : `${formatNumber(count)} ${count === 1 ? 'image' : 'images'}`}
          {count === null ? null : props.countExtra}
          {props.selectedCount > 0 ? <span className="toolbar-selected"> · {formatNumber(props.selectedCount)} selected</span> : null}
        </span>
        </div>
        {indexing?.state === 'running' ? <IndexingProgress done={indexing.done} total={indexing.total} /> : null}
      </div>
      <div className="toolbar-controls">
        <label className="search">
          <svg viewBox="0 0 16 16" aria-hidden="true" className="search-icon">
            <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
            <path d="M10.5 10.5L14 14" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
          </svg>
          <input
            ref={props.searchRef}
            type="search"
            placeholder="Search this folder"
            aria-label="Search in this folder and its subfolders"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                if (draft) setDraft('');
                else e.currentTarget.blur();
                e.preventDefault();
              } else if (e.key === 'Enter') onQuery(draft.trim());
            }}
          />
          {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: a <kbd> is not focusable; the hint is decoration beside the labelled input */}
          <kbd className="search-hint" aria-hidden="true">
            /
          </kbd>
        </label>
        {props.triage}
        {props.onCompare ? (
          <button
            type="button"
            className="compare-button"
            aria-label="Compare"
            onClick={props.onCompare}
            disabled={!props.canCompare}
            title={props.canCompare ? 'Compare the selected images (C)' : 'Select 2–4 images to compare them (C)'}
          >
            <svg viewBox="0 0 16 16" aria-hidden="true" className="compare-button-icon">
              <path d="M2 3.5h5v9H2zM9 3.5h5v9H9z" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" />
            </svg>
            <span className="compare-button-label">Compare</span>
          </button>
        ) : null}
        {props.filter}
        {props.similar}
        {/* biome-ignore lint/a11y/useSemanticElements: a <fieldset> brings borders and a legend the compact toolbar has no room for */}
        <div className="control-group" role="group" aria-label="Sort">
          <select className="select" value={props.sort} onChange={(e) => props.onSort(e.target.value as SortKey)} aria-label="Sort by">
            {(Object.keys(SORT_LABELS) as (keyof typeof SORT_LABELS)[]).map((key) => (
              <option key={key} value={key}>
                {SORT_LABELS[key]}
              </option>
            ))}
            {sortMetrics.length ? (
              <optgroup label="Metric">
                {sortMetrics.map((m) => (
                  <option key={m} value={`metric:${m}`}>
                    {m}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
          {props.sort === 'random' ? (
            <button type="button" className="icon-button" onClick={props.onShuffle} aria-label="Shuffle" title="Shuffle">
              <svg viewBox="0 0 16 16" aria-hidden="true">
                <path d="M2 4.5h2.5c3 0 4 7 7 7H14M2 11.5h2.5c1.2 0 2-1 2.7-2.2M9 6.7c.7-1.2 1.5-2.2 2.5-2.2H14M12 2.5l2 2-2 2M12 9.5l2 2-2 2" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round" />
              </svg>
            </button>
          ) : (
            <button
              type="button"
              className="icon-button"
              onClick={props.onToggleOrder}
              aria-label={props.order === 'asc' ? 'Ascending; switch to descending' : 'Descending; switch to ascending'}
              title={props.order === 'asc' ? 'Ascending' : 'Descending'}
            >
              <svg viewBox="0 0 16 16" aria-hidden="true" style={{ transform: props.order === 'desc' ? 'scaleY(-1)' : undefined }}>
                <path d="M8 13V3M4.5 6.5L8 3l3.5 3.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
              </svg>
            </button>
          )}
        </div>
        <div className="segmented" role="radiogroup" aria-label="Layout">
          {/* biome-ignore lint/a11y/useSemanticElements: a segmented control of icon buttons; native radios cannot carry the icons */}
          <button type="button" role="radio" aria-checked={props.mode === 'justified'} className={props.mode === 'justified' ? 'is-on' : ''} onClick={() => props.onMode('justified')} title="Justified rows">
            <svg viewBox="0 0 16 16" aria-hidden="true">
              <path d="M2 3h5v4H2zM8 3h6v4H8zM2 9h7v4H2zM10 9h4v4h-4z" fill="currentColor" />
            </svg>
          </button>
          {/* biome-ignore lint/a11y/useSemanticElements: a segmented control of icon buttons; native radios cannot carry the icons */}
          <button type="button" role="radio" aria-checked={props.mode === 'square'} className={props.mode === 'square' ? 'is-on' : ''} onClick={() => props.onMode('square')} title="Square grid">
            <svg viewBox="0 0 16 16" aria-hidden="true">
              <path d="M2 2h5v5H2zM9 2h5v5H9zM2 9h5v5H2zM9 9h5v5H9z" fill="currentColor" />
            </svg>
          </button>
        </div>
        <input
          className="size-slider"
          type="range"
          min={MIN_GRID_SIZE}
          max={MAX_GRID_SIZE}
          step={10}
          value={props.size}
          onChange={(e) => props.onSize(Number(e.target.value))}
          aria-label="Thumbnail size"
          title="Thumbnail size"
        />
        {props.right ? <div className="toolbar-slot">{props.right}</div> : null}
      </div>
    </header>
  );
}

function IndexingProgress({ done, total }: { done: number; total: number }) {
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <span className="indexing" role="status" title={`Indexing ${formatNumber(done)} of ${formatNumber(total)}`} data-testid="indexing">
      <span className="indexing-bar">
        <span style={{ width: `${pct}%` }} />
      </span>
      Indexing {total > 0 ? `${pct}%` : '…'}
    </span>
  );
}
