import { useCallback, useEffect, useRef, useState } from 'react';
import type { ServerEvent } from '../../protocol/events.js';
import { pageHolds, pageSeesFolders } from '../api/listing-scope.js';
import type { SyncEngine } from '../api/sync/sync-engine.js';
import type { Listing } from '../features/browse/use-listing.js';
import { fromPaths, renamePath, toPaths, type PathSelection } from '../features/browse/selection-paths.js';
import type { Selection } from '../features/browse/selection.js';
import type { UrlState } from '../lib/url-state.js';
import { isViewerEntry, type NavigateOptions } from './use-url-state.js';

/** Past this many selected items the selection is not carried by path (a Ctrl+A of 100k stays as ranges). */
const MAX_FOLLOWED = 2_000;

export interface LivingListingInput {
  engine: SyncEngine | null;
  listing: Listing;
  selection: Selection;
  /** Replaces the selection of the current list (not a user action: it does not stop following). */
  replaceSelection: (s: Selection) => void;
  view: string | null;
  navigate: (patch: Partial<UrlState>, options?: NavigateOptions) => void;
}

/**
 * Keeps the selection and the viewer on the same files while the folder changes underneath:
 * a file that moves takes the viewer (and the URL) along; files added or removed shift the grid's
 * indices, so the selection is written down by path when such an event arrives and laid back
 * onto the refreshed listing, until the user selects something else (`release`).
 * Returns whether the file open in the viewer was removed.
 */
export function useLivingListing({ engine, listing, selection, replaceSelection, view, navigate }: LivingListingInput): { viewRemoved: boolean; release: () => void } {
  const [removedView, setRemovedView] = useState<string | null>(null);
  const following = useRef<{ key: string; saved: PathSelection } | null>(null);
  const latest = useRef({ listing, selection, view });
  latest.current = { listing, selection, view };

  useEffect(() => {
    if (!engine) return;
    return engine.onServerEvent((e: ServerEvent) => {
      const { listing: l, selection: s, view: v } = latest.current;
      if (e.type === 'item-moved') {
        // Replaced in place, keeping whether this entry is one the viewer pushed (Esc goes Back then).
        const viewerEntry = isViewerEntry();
        if (v === e.data.from) navigate({ view: e.data.to }, { replace: true, viewer: viewerEntry });
        // Asked of the list's key, not of `l.indexOf`: the cache was patched just now, but `l` is
        // the last render's, which still lists `from` and not `to` until the next frame.
        const key = JSON.parse(l.key) as unknown[];
        const [had, has] = [pageHolds(key, e.data.from), pageHolds(key, e.data.to)];
        if (had && has) {
          // Renamed where it stands (see the cache adapter's `move`): the indices, so the selection,
          // stay; only a selection already written down by path must learn the new name.
          const f = following.current;
          if (f?.key === l.key) f.saved = renamePath(f.saved, e.data.from, e.data.to);
        } else if (had || has) {
          // It left this list (like a removed file) or came into it (like an added one): the
          // items after it shift once the list is refetched.
          follow(l, s, new Set([e.data.from]));
        }
      } else if (e.type === 'items-removed' || e.type === 'items-added') {
        if (!pageSeesFolders(JSON.parse(l.key) as unknown[], e.data.folders)) return;
        const removed = e.type === 'items-removed' ? new Set(e.data.paths) : new Set<string>();
        if (v !== null && removed.has(v)) setRemovedView(v);
        follow(l, s, removed);
      }
    });

    function follow(l: Listing, s: Selection, removed: ReadonlySet<string>) {
      if (!s.ranges.length && s.focus < 0) return;
      const count = s.ranges.reduce((n, [a, b]) => n + b - a, 0);
      if (count > MAX_FOLLOWED) return;
      const prior = following.current?.key === l.key ? following.current.saved : null;
      const saved = prior ?? toPaths(s, (i) => l.getItem(i)?.path, removed, MAX_FOLLOWED);
      if (prior) {
        saved.paths = saved.paths.filter((p) => !removed.has(p));
        if (saved.focus !== null && removed.has(saved.focus)) saved.focus = null;
        if (saved.anchor !== null && removed.has(saved.anchor)) saved.anchor = null;
      }
      following.current = { key: l.key, saved };
      replaceSelection(fromPaths(saved, (p) => l.indexOf(p)));
    }
  }, [engine, navigate, replaceSelection]);

  // Each time the listing's items change (the refetch landing), lay the selection back on them.
  useEffect(() => {
    const f = following.current;
    if (!f) return;
    if (f.key !== listing.key) {
      following.current = null;
      return;
    }
    replaceSelection(fromPaths(f.saved, listing.indexOf));
  }, [listing.key, listing.indexOf, replaceSelection]);

  useEffect(() => {
    if (removedView !== null && view !== removedView) setRemovedView(null);
  }, [view, removedView]);

  const release = useCallback(() => {
    following.current = null;
  }, []);
  return { viewRemoved: removedView !== null && removedView === view, release };
}
