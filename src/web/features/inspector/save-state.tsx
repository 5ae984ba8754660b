import type { GlobalSyncStatus, ItemSyncState } from '../../api/sync/write-queue.js';

export interface SaveStateProps {
  state: ItemSyncState | null;
  /** Sending is stopped for everything (rate limit, permission): a waiting edit says why. */
  global?: GlobalSyncStatus;
  onRetry: () => void;
  onDiscard: () => void;
}

/** Why a waiting edit is not going out, when sending is stopped for everything. */
const WAITING_COPY: Partial<Record<GlobalSyncStatus, string>> = {
  denied: 'Not saved — permission denied',
  paused: 'Sync paused (rate limit)',
  'signed-out': 'Not saved — sign in',
};

/** The per-item line beside the labels heading: Saving… → Saved, or what went wrong. */
export function SaveState({ state, global, onRetry, onDiscard }: SaveStateProps) {
  if (!state) return null;
  const waiting = state.status === 'saving' || state.status === 'retrying';
  if (waiting && global && global in WAITING_COPY) {
    return (
      <span className={`save-state ${global === 'paused' ? 'is-conflict' : 'is-error'}`} data-testid="save-state">
        {WAITING_COPY[global]}
      </span>
    );
  }
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
