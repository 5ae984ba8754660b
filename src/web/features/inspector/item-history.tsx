import { useEffect, useState } from 'react';
import { describeChanges, relativeTime, whoDid } from './history-format.js';
import { useHistory } from './inspector-api.js';

/** Who changed what, when: the item's last 20 changes, newest first. */
export function ItemHistory({ path, version }: { path: string; version: number }) {
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
      {entries.map((e) => (
        <li key={e.event_id} className="history-entry">
          <div className="history-head">
            <span className="history-who">{whoDid(e.updated_by)}</span>
            <time className="history-when" dateTime={e.updated_at} title={new Date(e.updated_at).toLocaleString()}>
              {relativeTime(e.updated_at, now)}
            </time>
          </div>
          <div className="history-what">{describeChanges(e.changes).join(' · ')}</div>
        </li>
      ))}
    </ol>
  );
}
