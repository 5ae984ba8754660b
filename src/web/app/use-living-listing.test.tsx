// @vitest-environment happy-dom
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ServerEvent } from '../../protocol/events.js';
import type { SyncEngine } from '../api/sync/sync-engine.js';
import type { Listing } from '../features/browse/use-listing.js';
import { EMPTY_SELECTION, selectOnly, selectedIndices, type Selection } from '../features/browse/selection.js';
import { useLivingListing } from './use-living-listing.js';

const KEY = JSON.stringify(['items', 'window', '/f', 'name', 'asc', 0]);

/** A listing of `paths` as the app holds it between renders (its items are a snapshot). */
function listingOf(paths: string[]): Listing {
  return {
    key: KEY,
    total: paths.length,
    matches: paths.length,
    unfilteredTotal: null,
    isLoading: false,
    indexing: false,
    error: null,
    dirs: [],
    getItem: (i) => (paths[i] === undefined ? undefined : ({ path: paths[i] } as ReturnType<Listing['getItem']>)),
    indexOf: (p) => paths.indexOf(p),
    setVisibleRange: () => {},
    ensureIndex: () => {},
    locate: () => {},
  };
}

function setup(paths: string[], selected: Selection) {
  let emit: (e: ServerEvent) => void = () => {};
  const onServerEvent = (listener: (e: ServerEvent) => void) => {
    emit = listener;
    return () => {};
  };
  const engine = { onServerEvent } as unknown as SyncEngine;
  const state = { selection: selected };
  const replaceSelection = vi.fn((s: Selection) => {
    state.selection = s;
  });
  const navigate = vi.fn();
  const hook = renderHook(
    (props: { listing: Listing }) => useLivingListing({ engine, listing: props.listing, selection: state.selection, replaceSelection, view: null, navigate }),
    { initialProps: { listing: listingOf(paths) } },
  );
  const selectedPaths = (list: string[]) => selectedIndices(state.selection).map((i) => list[i]);
  return { emit: (e: ServerEvent) => act(() => emit(e)), hook, state, replaceSelection, selectedPaths };
}

const moved = (from: string, to: string): ServerEvent => ({
  type: 'item-moved',
  data: { from, to, version: 2, tags: [], notes: '', star: 4, flag: null, updated_at: '2026-01-01T00:00:00Z', updated_by: 'lenslet' },
});

describe('the selection follows files that change on disk', () => {
  const before = ['/f/a.jpg', '/f/b.jpg', '/f/c.jpg'];

  it('a selected file renamed in its folder stays selected (the event comes before the list shows the new name)', () => {
    const t = setup(before, selectOnly(1));
    // The listing the hook holds is still the old one when the event arrives.
    t.emit(moved('/f/b.jpg', '/f/b2.jpg'));
    expect(t.state.selection).toEqual(selectOnly(1));
    const after = ['/f/a.jpg', '/f/b2.jpg', '/f/c.jpg'];
    t.hook.rerender({ listing: listingOf(after) });
    expect(t.selectedPaths(after)).toEqual(['/f/b2.jpg']);
  });

  it('a rename while the selection is held by path (after a file was added) is laid back under the new name', () => {
    const t = setup(before, selectOnly(1));
    t.emit({ type: 'items-added', data: { paths: ['/f/0.jpg'], count: 1, folders: ['/', '/f'] } });
    t.emit(moved('/f/b.jpg', '/f/b2.jpg'));
    const after = ['/f/0.jpg', '/f/a.jpg', '/f/b2.jpg', '/f/c.jpg'];
    t.hook.rerender({ listing: listingOf(after) });
    expect(t.selectedPaths(after)).toEqual(['/f/b2.jpg']);
    expect(after[t.state.selection.focus]).toBe('/f/b2.jpg');
  });

  it('a file moved out of the folder leaves the selection; the selected file after it keeps its selection', () => {
    const t = setup(before, selectOnly(2));
    t.emit(moved('/f/b.jpg', '/g/b.jpg'));
    const after = ['/f/a.jpg', '/f/c.jpg'];
    t.hook.rerender({ listing: listingOf(after) });
    expect(t.selectedPaths(after)).toEqual(['/f/c.jpg']);
  });

  it('a selected file moved out of the folder is no longer selected', () => {
    const t = setup(before, selectOnly(1));
    t.emit(moved('/f/b.jpg', '/g/b.jpg'));
    t.hook.rerender({ listing: listingOf(['/f/a.jpg', '/f/c.jpg']) });
    expect(t.state.selection).toEqual(EMPTY_SELECTION);
  });

  it('a file moved into the folder before the selection shifts it onto the same file', () => {
    const t = setup(before, selectOnly(1));
    t.emit(moved('/g/0.jpg', '/f/0.jpg'));
    const after = ['/f/0.jpg', '/f/a.jpg', '/f/b.jpg', '/f/c.jpg'];
    t.hook.rerender({ listing: listingOf(after) });
    expect(t.selectedPaths(after)).toEqual(['/f/b.jpg']);
  });

  it('a move elsewhere leaves this list’s selection alone', () => {
    const t = setup(before, selectOnly(1));
    t.emit(moved('/g/x.jpg', '/h/x.jpg'));
    expect(t.replaceSelection).not.toHaveBeenCalled();
  });
});
