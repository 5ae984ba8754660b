import { useEffect, useState } from 'react';
import { baseName } from '../../../protocol/paths.js';
import { feedWithin, type FeedEntry } from '../../lib/activity-feed.js';

const SHOWN = 30;

function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(s) || s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** Recent changes in the scope, newest first: who, what, which item (a button that opens it). */
export function ActivityList({ feed, scope, onOpenItem }: { feed: FeedEntry[]; scope: string; onOpenItem: (path: string) => void }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(t);
  }, []);
  const entries = feedWithin(feed, scope).slice(0, SHOWN);
  if (!entries.length) return <p className="pg-empty">No changes since this page opened.</p>;
  return (
    <ol className="pg-feed" aria-label="Recent changes" data-testid="activity-feed">
      {entries.map((e) => (
        <li key={e.id} className="pg-feed-entry">
          <button type="button" className="pg-feed-open" onClick={() => onOpenItem(e.path)} title={`Open ${e.path}`}>
            <span className="pg-feed-line">
              <span className="pg-feed-who">{e.who}</span> <span className="pg-feed-what">{e.what}</span>
            </span>
            <span className="pg-feed-item">
              <span className="pg-feed-name">{baseName(e.path)}</span>
              <time dateTime={e.at}>{ago(e.at, now)}</time>
            </span>
          </button>
        </li>
      ))}
    </ol>
  );
}
