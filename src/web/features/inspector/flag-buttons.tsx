import type { Flag } from '../../../protocol/items.js';

export interface FlagButtonsProps {
  /** null = unflagged; 'mixed' when a multi-selection disagrees. */
  value: Flag | 'mixed';
  disabled?: boolean;
  conflict?: boolean;
  onChange: (flag: Flag) => void;
}

/** Pick / Reject as two toggle buttons (pressing the current one clears it) and Clear flag. Keys P, X, U do the same. */
export function FlagButtons({ value, disabled, conflict, onChange }: FlagButtonsProps) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons; a <fieldset> would bring a legend and borders
    <div className={`flags${conflict ? ' is-conflict' : ''}`} role="group" aria-label="Flag" data-testid="flags">
      <button
        type="button"
        className={`flag-button is-pick${value === 'pick' ? ' is-on' : ''}`}
        aria-label="Pick"
        aria-pressed={value === 'pick'}
        title="Pick (P)"
        disabled={disabled}
        onClick={() => onChange(value === 'pick' ? null : 'pick')}
      >
        <span aria-hidden="true">✓</span> Pick
      </button>
      <button
        type="button"
        className={`flag-button is-reject${value === 'reject' ? ' is-on' : ''}`}
        aria-label="Reject"
        aria-pressed={value === 'reject'}
        title="Reject (X)"
        disabled={disabled}
        onClick={() => onChange(value === 'reject' ? null : 'reject')}
      >
        <span aria-hidden="true">✕</span> Reject
      </button>
      <span className="stars-meta">
        {value === 'mixed' ? 'Mixed' : null}
        {value !== null ? (
          <button type="button" className="stars-clear" disabled={disabled} onClick={() => onChange(null)} aria-label="Clear flag" title="Clear flag (U)">
            ×
          </button>
        ) : null}
      </span>
    </div>
  );
}
