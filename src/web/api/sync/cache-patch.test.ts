import { describe, expect, it } from 'vitest';
import { LabelCache, type CachedLabels, type ItemCacheAdapter } from './cache-patch.js';
import type { LabelOps } from './label-ops.js';

function setup(initial: Record<string, Partial<CachedLabels>>) {
  const cache = new Map<string, CachedLabels>();
  for (const [p, s] of Object.entries(initial)) cache.set(p, { version: 1, star: null, flag: null, tags: [], notes: '', ...s });
  const patches: Array<[string, Partial<CachedLabels>]> = [];
  const adapter: ItemCacheAdapter = {
    read: (p) => cache.get(p) ?? null,
    patch: (p, partial) => {
      patches.push([p, partial]);
      const cur = cache.get(p);
      if (cur) cache.set(p, { ...cur, ...partial });
    },
  };
  const pending = new Map<string, LabelOps[]>();
  const labels = new LabelCache(adapter, (p) => pending.get(p) ?? []);
  return { cache, patches, pending, labels, adapter };
}

const event = (path: string, version: number, over: Partial<CachedLabels> = {}) => ({
  path,
  version,
  star: null, flag: null,
  tags: [],
  notes: '',
  updated_at: 't',
  updated_by: 'Bob',
  ...over,
});

describe('label cache patching', () => {
  it('patches an item in place from an item-updated event', () => {
    const { labels, cache, patches } = setup({ '/a.jpg': {} });
    expect(labels.onItemUpdated(event('/a.jpg', 2, { star: 4, flag: null, tags: ['cat'] }))).toBe(true);
    expect(cache.get('/a.jpg')).toMatchObject({ version: 2, star: 4, tags: ['cat'] });
    expect(patches).toHaveLength(1);
  });

  it('ignores an older event and does not patch an unchanged item again', () => {
    const { labels, cache, patches } = setup({ '/a.jpg': { version: 5, star: 2, flag: null } });
    expect(labels.onItemUpdated(event('/a.jpg', 4, { star: 1, flag: null }))).toBe(false);
    expect(labels.onItemUpdated(event('/a.jpg', 5, { star: 2, flag: null }))).toBe(true);
    expect(cache.get('/a.jpg')?.star).toBe(2);
    expect(patches).toHaveLength(0);
  });

  it('keeps my pending edit on screen when someone else’s change arrives', () => {
    const { labels, cache, pending } = setup({ '/a.jpg': { tags: ['x'] } });
    expect(labels.serverState('/a.jpg')).toMatchObject({ version: 1 });
    pending.set('/a.jpg', [{ set_notes: 'typing' }]);
    labels.render('/a.jpg');
    expect(cache.get('/a.jpg')).toMatchObject({ version: 1, notes: 'typing' });
    labels.onItemUpdated(event('/a.jpg', 2, { tags: ['x', 'theirs'], star: 5, flag: null }));
    expect(cache.get('/a.jpg')).toMatchObject({ version: 2, notes: 'typing', tags: ['x', 'theirs'], star: 5 });
    expect(labels.serverState('/a.jpg')).toMatchObject({ version: 2, notes: '' });
  });

  it('puts pending edits back after a refetch, and rolls back a stale refetch', () => {
    const { labels, cache, pending } = setup({ '/a.jpg': {} });
    labels.serverState('/a.jpg');
    labels.receive('/a.jpg', { version: 3, star: 1, flag: null, tags: [], notes: '' });
    pending.set('/a.jpg', [{ set_star: 5 }]);
    labels.render('/a.jpg');
    cache.set('/a.jpg', { version: 2, star: null, flag: null, tags: [], notes: '' }); // a slow refetch lands
    labels.reconcile(['/a.jpg']);
    expect(cache.get('/a.jpg')).toMatchObject({ version: 3, star: 5 });
    cache.set('/a.jpg', { version: 4, star: 2, flag: null, tags: ['new'], notes: '' }); // a newer refetch
    labels.reconcile(['/a.jpg']);
    expect(cache.get('/a.jpg')).toMatchObject({ version: 4, star: 5, tags: ['new'] });
    expect(labels.serverState('/a.jpg')).toMatchObject({ version: 4, star: 2 });
  });

  it('applies metrics without touching labels', () => {
    const { labels, cache } = setup({ '/a.jpg': { star: 3, flag: null } });
    labels.onMetricsUpdated({ path: '/a.jpg', version: 2, metrics: { blur: 0.1 }, updated_at: 't', updated_by: 'm' });
    expect(cache.get('/a.jpg')).toMatchObject({ version: 2, star: 3, metrics: { blur: 0.1 } });
    expect(labels.onMetricsUpdated({ path: '/a.jpg', version: 1, metrics: { blur: 9 }, updated_at: 't', updated_by: 'm' })).toBe(false);
  });
});

describe('label cache: moves', () => {
  function withMove(initial: Record<string, Partial<CachedLabels>>) {
    const s = setup(initial);
    const moves: Array<[string, string, Partial<CachedLabels>]> = [];
    s.adapter.move = (from, to, partial) => {
      moves.push([from, to, partial]);
      const cur = s.cache.get(from);
      s.cache.delete(from);
      if (cur) s.cache.set(to, { ...cur, ...partial });
      return [];
    };
    return { ...s, moves };
  }
  const moved = (from: string, to: string, version: number, over: Partial<CachedLabels> = {}) => ({
    from,
    to,
    version,
    star: null, flag: null,
    tags: [],
    notes: '',
    updated_at: 't',
    updated_by: 'watcher',
    ...over,
  });

  it('moves the cached item to its new path with the labels and version of the event', () => {
    const { labels, cache, moves } = withMove({ '/a.jpg': { star: 4, flag: null, version: 3 } });
    labels.onItemMoved(moved('/a.jpg', '/b/a.jpg', 4, { star: 4, flag: null, tags: ['cat'] }));
    expect(moves).toEqual([['/a.jpg', '/b/a.jpg', { star: 4, flag: null, tags: ['cat'], notes: '', version: 4 }]]);
    expect(cache.get('/b/a.jpg')).toMatchObject({ version: 4, star: 4, tags: ['cat'] });
    expect(labels.serverState('/b/a.jpg')).toMatchObject({ version: 4 });
    expect(labels.trackedPaths()).not.toContain('/a.jpg');
  });

  it('shows the edits pending for the new path on top of the moved labels', () => {
    const { labels, cache, pending } = withMove({ '/a.jpg': { star: 1, flag: null, version: 1 } });
    pending.set('/b.jpg', [{ set_star: 5 }]);
    labels.onItemMoved(moved('/a.jpg', '/b.jpg', 2, { star: 1, flag: null }));
    expect(cache.get('/b.jpg')).toMatchObject({ version: 2, star: 5 });
    expect(labels.serverState('/b.jpg')).toMatchObject({ version: 2, star: 1 });
  });
});
