import { formatNumber } from '../../components/format.js';
import './triage.css';

export interface TriageControlsProps {
  autoAdvance: boolean;
  onAutoAdvance: (on: boolean) => void;
  /** Items of the folder or filter with neither a star nor a flag; null while unknown. */
  unlabeled: number | null;
  onNextUnlabeled: () => void;
}

/** The toolbar's culling controls: the auto-advance toggle and what is left to label (a jump to the next one). */
export function TriageControls({ autoAdvance, onAutoAdvance, unlabeled, onNextUnlabeled }: TriageControlsProps) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a compact toolbar group; a <fieldset> brings borders and a legend
    <div className="triage" role="group" aria-label="Culling">
      <button
        type="button"
        className={`triage-advance${autoAdvance ? ' is-on' : ''}`}
        aria-label="Auto-advance"
        aria-pressed={autoAdvance}
        title={autoAdvance ? 'Auto-advance is on: a star or flag key moves to the next item' : 'Auto-advance: move to the next item after a star or flag key'}
        onClick={() => onAutoAdvance(!autoAdvance)}
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M3 4l4 4-4 4M8.5 4l4 4-4 4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
      {unlabeled !== null ? (
        <button type="button" className="triage-left" onClick={onNextUnlabeled} title="Next unlabeled (N)" data-testid="unlabeled-count" aria-live="polite">
          {formatNumber(unlabeled)} unlabeled
        </button>
      ) : null}
    </div>
  );
}
