import { useEffect, useRef, useState } from 'react';
import { useDatasetTags } from './inspector-api.js';
import { describeFlags, describeLabelFilter, FLAG_CHOICES, isFiltering, NO_LABEL_FILTER, toggleFlag, toggleStar, toggleTag, type LabelFilter } from '../../lib/label-filter.js';
import './label-filter.css';

export interface LabelFilterBarProps {
  value: LabelFilter;
  onChange: (next: LabelFilter) => void;
}

const STAR_CHOICES = [5, 4, 3, 2, 1, 0];

/** Toolbar "Filter" button: ratings (including Unrated), flags (including Unflagged) and tags, applied on the server. */
export function LabelFilterButton({ value, onChange }: LabelFilterBarProps) {
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  const tags = useDatasetTags();
  const [tagQuery, setTagQuery] = useState('');
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);
  const active = isFiltering(value);
  const shownTags = [...new Set([...value.tags, ...tags.tags])].filter((t) => t.toLowerCase().includes(tagQuery.trim().toLowerCase())).slice(0, 30);
  return (
    <div className="label-filter" ref={wrap} data-keyboard-scope>
      <button
        type="button"
        className={`label-filter-button${active ? ' is-active' : ''}`}
        aria-expanded={open}
        onClick={() => {
          if (!open) tags.refresh();
          setOpen(!open);
        }}
        title={active ? `Showing ${describeLabelFilter(value)}` : 'Filter by rating, flag and tags'}
        data-testid="label-filter"
      >
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
          <path d="M2 3h12l-4.5 5.5V13l-3 1.5V8.5z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
        </svg>
        <span className="label-filter-text">{active ? describeLabelFilter(value) : 'Filter'}</span>
      </button>
      {open ? (
        <div className="label-filter-card" role="dialog" aria-label="Filter by rating, flag and tags">
          <div className="label-filter-section">Rating</div>
          <div className="label-filter-chips">
            {STAR_CHOICES.map((s) => (
              <button
                key={s}
                type="button"
                className={`filter-chip${value.stars.includes(s) ? ' is-on' : ''}`}
                aria-pressed={value.stars.includes(s)}
                onClick={() => onChange(toggleStar(value, s))}
              >
                {s === 0 ? 'Unrated' : `${'★'.repeat(s)}`}
              </button>
            ))}
          </div>
          <div className="label-filter-section">Flag</div>
          <div className="label-filter-chips">
            {FLAG_CHOICES.map((f) => (
              <button
                key={f}
                type="button"
                className={`filter-chip${value.flags.includes(f) ? ' is-on' : ''}`}
                aria-pressed={value.flags.includes(f)}
                onClick={() => onChange(toggleFlag(value, f))}
              >
                {describeFlags([f])}
              </button>
            ))}
          </div>
          <div className="label-filter-section">Tags (all of)</div>
          <input
            className="label-filter-search"
            value={tagQuery}
            placeholder="Find a tag…"
            aria-label="Find a tag"
            onChange={(e) => setTagQuery(e.target.value)}
          />
          <div className="label-filter-chips">
            {shownTags.map((t) => (
              <button
                key={t}
                type="button"
                className={`filter-chip${value.tags.includes(t) ? ' is-on' : ''}`}
                aria-pressed={value.tags.includes(t)}
                onClick={() => onChange(toggleTag(value, t))}
              >
                {t}
              </button>
            ))}
            {!shownTags.length ? <span className="label-filter-empty">{tags.isLoading ? 'Loading…' : 'No tags yet'}</span> : null}
          </div>
          <div className="label-filter-foot">
            <button type="button" className="link-button" disabled={!active} onClick={() => onChange(NO_LABEL_FILTER)}>
              Clear filters
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
