import { formatNumber } from '../../components/format.js';
import './triage.css';

export interface AutoAdvanceToggleProps {
  on: boolean;
  onChange: (on: boolean) => void;
}

/** The toolbar's auto-advance switch: after a star or flag key, the cursor moves on. */
export function AutoAdvanceToggle({ on, onChange }: AutoAdvanceToggleProps) {
  return (
    <button
      type="button"
      className={`triage-advance${on ? ' is-on' : ''}`}
      aria-label="Auto-advance"
      aria-pressed={on}
      title={on ? 'Auto-advance is on: a star or flag key moves to the next item' : 'Auto-advance: move to the next item after a star or flag key'}
      onClick={() => onChange(!on)}
    >
      <svg viewBox="0 0 16 16" aria-hidden="true">
        <path d="M3 4l4 4-4 4M8.5 4l4 4-4 4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </button>
  );
}

export interface UnlabeledCountProps {
  /** Items of the folder or filter with neither a star nor a flag; null while unknown. */
  count: number | null;
  onNext: () => void;
}

/** "· 123 unlabeled" after the item count: what is left to cull; a click jumps to the next one (as N does). */
export function UnlabeledCount({ count, onNext }: UnlabeledCountProps) {
  if (count === null) return null;
  return (
    <>
      {' · '}
      <button type="button" className="triage-left" onClick={onNext} title="Next unlabeled (N)" data-testid="unlabeled-count">
        {formatNumber(count)} unlabeled
      </button>
    </>
  );
}
