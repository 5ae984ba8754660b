import { useState } from 'react';

export interface StarRatingProps {
  /** null = unrated; 'mixed' when a multi-selection disagrees. */
  value: number | null | 'mixed';
  disabled?: boolean;
  conflict?: boolean;
  onChange: (star: number | null) => void;
}

/** Five stars: click to rate, click the current rating again (or ×) to clear. Keys 0–5 do the same. */
export function StarRating({ value, disabled, conflict, onChange }: StarRatingProps) {
  const [hover, setHover] = useState<number | null>(null);
  const current = typeof value === 'number' ? value : 0;
  const shown = hover ?? current;
  return (
    <div className={`stars${conflict ? ' is-conflict' : ''}`} role="radiogroup" aria-label="Rating" onMouseLeave={() => setHover(null)} data-testid="stars">
      {[1, 2, 3, 4, 5].map((n) => (
        // biome-ignore lint/a11y/useSemanticElements: star buttons with hover preview; native radios cannot draw them
        <button
          key={n}
          type="button"
          role="radio"
          aria-checked={current === n}
          aria-label={`${n} star${n === 1 ? '' : 's'}`}
          className={`star${n <= shown ? ' is-on' : ''}${hover !== null ? ' is-preview' : ''}`}
          disabled={disabled}
          onMouseEnter={() => setHover(n)}
          onClick={() => onChange(current === n ? null : n)}
        >
          ★
        </button>
      ))}
      <span className="stars-meta">
        {value === 'mixed' ? 'Mixed' : value === null ? 'Unrated' : null}
        {typeof value === 'number' ? (
          <button type="button" className="stars-clear" disabled={disabled} onClick={() => onChange(null)} aria-label="Clear rating" title="Clear (0)">
            ×
          </button>
        ) : null}
      </span>
    </div>
  );
}
