import { useEffect, useState } from 'react';
import type { VersionLabels } from '../../../protocol/history.js';
import { describeChanges, relativeTime, sameVersionLabels, whoDid } from './history-format.js';
import { useHistory } from './inspector-api.js';

export interface ItemHistoryProps {
  path: string;
  version: number;
  /** The labels the item shows now: a version that has them has nothing to restore. */
  current: VersionLabels;
  /** Absent for a role that may not label. */
  onRestore?: (labels: VersionLabels) => void;
}

/** Who changed what, when: the item's last 20 changes, newest first, each restorable. */
export function ItemHistory({ path, version, current, onRestore }: ItemHistoryProps) {
  const history = useHistory(path, version);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(t);
  }, []);
  const entries = [...(history.data ?? [])].sort((a, b) => b.event_id - a.event_id);
  if (history.isError) return <p className="muted small">History is unavailable.</p>;
  if (!history.data) return <p className="muted small">Loading…</p>;
  if (!entries.length) return <p className="muted small">No changes yet.</p>;
  return (
    <ol className="history" data-testid="history">
      {entries.map((e) => {
        const labels = e.labels;
        const restorable = onRestore && labels && !sameVersionLabels(labels, current);
        return (
          <li key={e.event_id} className="history-entry" data-version={e.version}>
            <div className="history-head">
              <span className="history-who">{whoDid(e.updated_by)}</span>
              <time className="history-when" dateTime={e.updated_at} title={new Date(e.updated_at).toLocaleString()}>
                {relativeTime(e.updated_at, now)}
              </time>
            </div>
            <div className="history-what">{describeChanges(e.changes).join(' · ')}</div>
            {restorable ? (
              <button
                type="button"
                className="link-button history-restore"
                onClick={() => onRestore(labels)}
                aria-label={`Restore this version (version ${e.version}, ${whoDid(e.updated_by)}, ${relativeTime(e.updated_at, now)})`}
                title="Write these labels back as a new version"
              >
                Restore this version
              </button>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
