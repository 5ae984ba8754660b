import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { fetchHealth } from '../../api/folders-api.js';
import { queryKeys } from '../../api/query-keys.js';
import { useEngineState, useSyncStatus } from '../../hooks/sync-context.js';

/**
 * Subtle banners just below the toolbar: labels not persisted (`--no-write`), permission denied,
 * metrics progress, and recent activity by others. Floating, so the grid below never shifts.
 */
export function SyncBanners() {
  const { activity, progress } = useEngineState();
  const sync = useSyncStatus();
  const health = useQuery({ queryKey: queryKeys.health, queryFn: ({ signal }) => fetchHealth(signal), staleTime: 5_000 });
  const labels = health.data?.labels;
  const notPersisted = health.data ? health.data.read_only || labels?.persistent === false : false;
  const banners: Array<{ key: string; tone: string; body: ReactNode }> = [];
  if (notPersisted) {
    banners.push({
      key: 'persist',
      tone: 'warn',
      body: (
        <>
          <strong>Labels are not persisted.</strong> This server runs read-only; changes last until it stops.
        </>
      ),
    });
  }
  if (sync.status === 'denied') {
    banners.push({ key: 'denied', tone: 'bad', body: <><strong>Permission denied.</strong> Editing is turned off.</> });
  }
  if (progress) {
    banners.push({
      key: 'progress',
      tone: 'info',
      body: (
        <>
          <span>
            {stripEllipsis(progress.message) || 'Computing metrics'}… {progress.percent}%
          </span>
          <span className="banner-meter" aria-hidden="true">
            <span style={{ width: `${progress.percent}%` }} />
          </span>
        </>
      ),
    });
  }
  if (activity.message) {
    banners.push({ key: 'activity', tone: 'info', body: <span>{activity.message}</span> });
  }
  if (!banners.length) return null;
  return createPortal(
    <div className="sync-banners" role="status" aria-live="polite">
      {banners.map((b) => (
        <div key={b.key} className={`sync-banner tone-${b.tone}`} data-testid={`banner-${b.key}`}>
          {b.body}
        </div>
      ))}
    </div>,
    document.body,
  );
}

function stripEllipsis(s: string): string {
  return s.replace(/(\.\.\.|…)\s*$/, '').trim();
}
