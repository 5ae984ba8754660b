import { filterChips, NO_GRID_FILTER, type GridFilter } from '../../lib/grid-filter.js';
import './metrics-panel.css';

export interface FilterChipsProps {
  value: GridFilter;
  onChange: (next: GridFilter) => void;
  /** Items shown / items in the folder, e.g. "12 of 480". */
  shown: number | null;
  of: number | null;
  /** Items my own edits took out of the filters, still on screen (see editedOffFilter). */
  offFilter?: number;
  /** Refetches the list so the filters apply to those items again. */
  onRefresh?: () => void;
}

/** A chip per active filter clause above the grid, each with ×, and "Clear all". */
export function FilterChips({ value, onChange, shown, of, offFilter = 0, onRefresh }: FilterChipsProps) {
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
      {offFilter > 0 && onRefresh ? (
        <button
          type="button"
          className="filter-refresh"
          onClick={onRefresh}
          data-testid="filter-refresh"
          title={`${offFilter === 1 ? 'An item you edited no longer matches' : `${offFilter} items you edited no longer match`} the filters. It stays until you refresh.`}
        >
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M12.5 8a4.5 4.5 0 11-1.32-3.18" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
            <path d="M11.6 2.6v2.6H9" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          Refresh to apply filters
        </button>
      ) : null}
    </div>
  );
}
