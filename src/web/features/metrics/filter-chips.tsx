import { filterChips, NO_GRID_FILTER, type GridFilter } from './grid-filter.js';
import './metrics-panel.css';

export interface FilterChipsProps {
  value: GridFilter;
  onChange: (next: GridFilter) => void;
  /** Items shown / items in the folder, e.g. "12 of 480". */
  shown: number | null;
  of: number | null;
}

/** A chip per active filter clause above the grid, each with ×, and "Clear all". */
export function FilterChips({ value, onChange, shown, of }: FilterChipsProps) {
  const chips = filterChips(value);
  if (!chips.length) return null;
  return (
    <div className="filter-chips" role="toolbar" aria-label="Active filters" data-testid="filter-chips">
      {chips.map((chip) => (
        <span key={chip.id} className={`filter-pill is-${chip.kind}`} data-chip={chip.id}>
          <span className="filter-pill-text">{chip.label}</span>
          <button type="button" className="filter-pill-x" onClick={() => onChange(chip.without)} aria-label={`Remove filter ${chip.label}`} title="Remove this filter">
            <svg viewBox="0 0 16 16" aria-hidden="true">
              <path d="M4.5 4.5l7 7M11.5 4.5l-7 7" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
            </svg>
          </button>
        </span>
      ))}
      <button type="button" className="filter-clear-all" onClick={() => onChange(NO_GRID_FILTER)}>
        Clear all
      </button>
      {shown !== null && of !== null ? (
        <span className="filter-count" data-testid="filter-count">
          {shown.toLocaleString()} of {of.toLocaleString()}
        </span>
      ) : null}
    </div>
  );
}
