import type { ItemSyncState } from '../sync/write-queue.js';

export interface SaveStateProps {
  state: ItemSyncState | null;
  onRetry: () => void;
  onDiscard: () => void;
}

/** The per-item line beside the labels heading: Saving… → Saved, or what went wrong. */
export function SaveState({ state, onRetry, onDiscard }: SaveStateProps) {
  if (!state) return null;
  switch (state.status) {
    case 'saving':
      return (
        <span className="save-state is-saving" data-testid="save-state">
          <span className="save-spinner" aria-hidden="true" />
          Saving…
        </span>
      );
    case 'saved':
      return (
        <span className="save-state is-saved" data-testid="save-state">
          <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
            <path d="M2.5 6.2 5 8.6l4.6-5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          Saved
        </span>
      );
    case 'retrying':
      return (
        <button type="button" className="save-state is-error" onClick={onRetry} data-testid="save-state" title="Will retry by itself; click to retry now">
          Not saved — retry
        </button>
      );
    case 'conflict':
      return (
        <span className="save-state is-conflict" data-testid="save-state">
          Newer change detected
        </span>
      );
    case 'invalid':
    case 'missing':
      return (
        <span className="save-state is-error" data-testid="save-state" title={state.message}>
          {state.status === 'invalid' ? 'Invalid update' : 'Item missing'}
          <button type="button" className="link-button" onClick={onDiscard}>
            Discard
          </button>
        </span>
      );
  }
}
