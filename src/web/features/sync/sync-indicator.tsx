import { useEffect, useState } from 'react';
import type { ConnectionStatus } from '../../api/sync/event-stream.js';
import { useEngineState, useSyncEngine, useSyncStatus } from '../../hooks/sync-context.js';
import type { GlobalSyncStatus } from '../../api/sync/write-queue.js';

const SAVE_COPY: Record<GlobalSyncStatus, string> = {
  saved: 'All changes saved',
  syncing: 'Syncing…',
  retrying: 'Not saved — retry',
  conflict: 'Newer change detected',
  error: 'Invalid update',
  paused: 'Sync paused (rate limit)',
  denied: 'Permission denied',
  'signed-out': 'Sign in to save',
};

const CONNECTION_COPY: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/** "Syncing…" shows only after 250 ms: a write that lands quickly should not flash the toolbar. */
function useDelayedSyncing(status: GlobalSyncStatus): GlobalSyncStatus {
  const [shown, setShown] = useState(status);
  useEffect(() => {
    if (status !== 'syncing') {
      setShown(status);
      return;
    }
    const t = window.setTimeout(() => setShown('syncing'), 250);
    return () => window.clearTimeout(t);
  }, [status]);
  return shown;
}

/** Toolbar, right: the write queue's state, then the live connection. */
export function SyncIndicator() {
  const engine = useSyncEngine();
  const sync = useSyncStatus();
  const { connection } = useEngineState();
  const status = useDelayedSyncing(sync.status);
  const retryable = status === 'retrying' || status === 'denied';
  // Refused for good (400 / 404): say which, per the error matrix. The inspector offers Discard
  // for the selected item; this one covers items no longer selected (or gone from the folder).
  const refusedPaths = [...sync.items].filter(([, s]) => s.status === 'invalid' || s.status === 'missing').map(([path]) => path);
  const refused = status === 'error' && ![...sync.items.values()].some((s) => s.status === 'invalid') ? 'Item missing' : null;
  const tone = status === 'saved' ? 'ok' : status === 'syncing' ? 'busy' : status === 'paused' || status === 'conflict' ? 'warn' : 'bad';
  const title =
    sync.conflicts > 0
      ? `${sync.conflicts} item${sync.conflicts === 1 ? '' : 's'} with a newer change to resolve`
      : sync.pending
        ? `${sync.pending} change${sync.pending === 1 ? '' : 's'} waiting to be saved`
        : 'Every change is saved on the server';
  return (
    <div className="sync-indicator" data-testid="sync-indicator">
      {retryable ? (
        <button type="button" className={`sync-save tone-${tone}`} onClick={() => engine.queue.retryNow()} title="Send waiting changes now" data-status={status}>
          <span className="sync-dot" aria-hidden="true" />
          {SAVE_COPY[status]}
        </button>
      ) : (
        <span className={`sync-save tone-${tone}`} title={title} data-status={status} role="status">
          <span className="sync-dot" aria-hidden="true" />
          {refused ?? SAVE_COPY[status]}
          {sync.conflicts > 0 && status !== 'conflict' ? <span className="sync-conflicts"> · {sync.conflicts} to resolve</span> : null}
        </span>
      )}
      {refusedPaths.length > 0 ? (
        <button
          type="button"
          className="sync-discard"
          data-testid="discard-refused"
          title={`Drop ${refusedPaths.length} change${refusedPaths.length === 1 ? '' : 's'} the server refused`}
          onClick={() => {
            for (const path of refusedPaths) engine.queue.discard(path);
          }}
        >
          Discard
        </button>
      ) : null}
      <span className={`sync-connection conn-${connection}`} data-testid="connection-status" title="Live updates from other people">
        {CONNECTION_COPY[connection]}
      </span>
    </div>
  );
}
