import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { baseName } from '../../../protocol/paths.js';
import { activityQuery } from '../../api/progress-api.js';
import { personName } from '../../api/sync/activity.js';
import { feedEntryOf, feedWithin, mergeFeed, type FeedEntry } from '../../lib/activity-feed.js';

/** The item's path below the scope ("deeper/3.jpg" in /nested), so an item in a subfolder says where it is. */
function itemName(path: string, scope: string): string {
  const prefix = scope === '/' ? '/' : `${scope}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : baseName(path);
}

function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(s) || s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/**
 * Recent changes in the scope, newest first: who, what, which item (a button that opens it). The
 * server's pages (what happened before this page opened, then older on "Show more") with the
 * live entries of this page merged on top, each event once (PW6).
 */
export function ActivityList({ feed, scope, onOpenItem }: { feed: FeedEntry[]; scope: string; onOpenItem: (path: string) => void }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(t);
  }, []);
  const pages = useInfiniteQuery(activityQuery(scope));
  const entries = useMemo(() => {
    const server = (pages.data?.pages ?? []).flatMap((p) => p.entries.map((e) => feedEntryOf(e, personName(e.user) ?? 'Someone')));
    return mergeFeed(server, feedWithin(feed, scope));
  }, [pages.data, feed, scope]);

  if (!entries.length) {
    if (pages.isPending) return <p className="pg-empty">Loading…</p>;
    return <p className={pages.isError ? 'pg-error' : 'pg-empty'}>{pages.isError ? 'Earlier changes could not be loaded.' : 'No changes yet.'}</p>;
  }
  return (
    <>
      <ol className="pg-feed" aria-label="Recent changes" data-testid="activity-feed">
        {entries.map((e) => (
          <li key={e.id} className="pg-feed-entry">
            <button type="button" className="pg-feed-open" onClick={() => onOpenItem(e.path)} title={`Open ${e.path}`}>
              <span className="pg-feed-line">
                <span className="pg-feed-who">{e.who}</span> <span className="pg-feed-what">{e.what}</span>
              </span>
              <span className="pg-feed-item">
                <span className="pg-feed-name">{itemName(e.path, scope)}</span>
                <time dateTime={e.at} title={new Date(e.at).toLocaleString()}>
                  {ago(e.at, now)}
                </time>
              </span>
            </button>
          </li>
        ))}
      </ol>
      {pages.isError ? <p className="pg-error">Earlier changes could not be loaded.</p> : null}
      {pages.hasNextPage ? (
        <button type="button" className="pg-feed-more" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
          {pages.isFetchingNextPage ? 'Loading…' : 'Show more'}
        </button>
      ) : null}
    </>
  );
}
