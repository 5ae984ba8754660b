import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../../protocol/items.js';
import { createItemCacheAdapter } from './query-cache-adapter.js';

const item = (path: string, over: Partial<Item> = {}): Item => ({
  path,
  name: path.slice(1),
  type: 'image/jpeg',
  w: 1,
  h: 1,
  size: 1,
  added_at: 't',
  star: null, flag: null,
  tags: [],
  notes: '',
  version: 1,
  ...over,
});

describe('query cache adapter', () => {
  it('reads and patches an item in every page that holds it, and only those', () => {
    const qc = new QueryClient();
    qc.setQueryData(['items', 'window', '/', 0], { items: [item('/a'), item('/b')], total: 3 });
    qc.setQueryData(['items', 'window', '/', 500], { items: [item('/c')], total: 3 });
    qc.setQueryData(['items', 'search', '/', 'a'], { items: [item('/a')], total: 1 });
    qc.setQueryData(['folders', 'dirs', '/'], { items: [item('/a')] }); // not an item page family
    const adapter = createItemCacheAdapter(qc);
    const other = qc.getQueryData(['items', 'window', '/', 500]);
    expect(adapter.read('/a')).toMatchObject({ version: 1, star: null });
    adapter.patch('/a', { star: 4, flag: null, tags: ['x'], version: 2 });
    expect(qc.getQueryData<{ items: Item[] }>(['items', 'window', '/', 0])!.items[0]).toMatchObject({ star: 4, tags: ['x'], version: 2 });
    expect(qc.getQueryData<{ items: Item[] }>(['items', 'search', '/', 'a'])!.items[0]).toMatchObject({ star: 4 });
    expect(qc.getQueryData<{ items: Item[] }>(['folders', 'dirs', '/'])!.items[0]!.star).toBeNull();
    expect(qc.getQueryData(['items', 'window', '/', 500])).toBe(other); // untouched page keeps its identity
    expect(adapter.read('/nope')).toBeNull();
    adapter.dispose();
  });

  it('follows pages added, refetched and removed after it was created', () => {
    const qc = new QueryClient();
    const adapter = createItemCacheAdapter(qc);
    qc.setQueryData(['items', 'window', '/x', 0], { items: [item('/x/1', { version: 3 })] });
    expect(adapter.read('/x/1')?.version).toBe(3);
    // A refetch replaces the page: the item moved out of it.
    qc.setQueryData(['items', 'window', '/x', 0], { items: [item('/x/2')] });
    expect(adapter.read('/x/1')).toBeNull();
    expect(adapter.read('/x/2')).not.toBeNull();
    qc.removeQueries({ queryKey: ['items', 'window', '/x'] });
    expect(adapter.read('/x/2')).toBeNull();
    adapter.dispose();
  });

  it('writes each page once for a batch of patches, and reads its own pending writes', () => {
    const qc = new QueryClient();
    qc.setQueryData(['items', 'window', '/', 0], { items: [item('/a'), item('/b'), item('/c')] });
    const adapter = createItemCacheAdapter(qc);
    let writes = 0;
    const unsubscribe = qc.getQueryCache().subscribe((e) => {
      if (e.type === 'updated') writes++;
    });
    adapter.batch(() => {
      adapter.patch('/a', { star: 1, flag: null, version: 2 });
      adapter.patch('/b', { star: 2, flag: null, version: 2 });
      adapter.patch('/a', { tags: ['x'] });
      expect(adapter.read('/a')).toMatchObject({ star: 1, tags: ['x'], version: 2 });
      expect(writes).toBe(0);
    });
    expect(writes).toBe(1);
    expect(qc.getQueryData<{ items: Item[] }>(['items', 'window', '/', 0])!.items.map((i) => [i.star, i.tags])).toEqual([
      [1, ['x']],
      [2, []],
      [null, []],
    ]);
    unsubscribe();
    adapter.dispose();
  });

  it('does not write a page when nothing changes', () => {
    const qc = new QueryClient();
    qc.setQueryData(['items', 'window', '/', 0], { items: [item('/a', { tags: ['t'] })] });
    const adapter = createItemCacheAdapter(qc);
    const before = qc.getQueryData(['items', 'window', '/', 0]);
    adapter.patch('/a', { tags: ['t'], version: 1 });
    expect(qc.getQueryData(['items', 'window', '/', 0])).toBe(before);
    adapter.dispose();
  });
});

describe('query cache adapter: moves', () => {
  const page = (qc: QueryClient, key: unknown[]) => qc.getQueryData<{ items: Item[]; total: number }>(key)!;

  it('renames a moved item in place where its new path is listed too, with the labels it carries', () => {
    const qc = new QueryClient();
    const win = ['items', 'window', '/a', 'name', 'asc', 0, 0];
    qc.setQueryData(win, { items: [item('/a/1'), item('/a/2', { star: 3, flag: null }), item('/a/3')], total: 3 });
    const adapter = createItemCacheAdapter(qc);
    const left = adapter.move('/a/2', '/a/renamed', { star: 3, flag: null, tags: ['x'], notes: '', version: 2 });
    expect(left).toEqual([]);
    expect(page(qc, win).items.map((i) => i.path)).toEqual(['/a/1', '/a/renamed', '/a/3']);
    expect(page(qc, win).items[1]).toMatchObject({ name: 'renamed', star: 3, tags: ['x'], version: 2 });
    expect(adapter.read('/a/2')).toBeNull();
    expect(adapter.read('/a/renamed')).toMatchObject({ version: 2, star: 3 });
    adapter.dispose();
  });

  it('takes the item out of a folder listing it left (and counts it out), keeping it in a subtree listing', () => {
    const qc = new QueryClient();
    const win = ['items', 'window', '/a', 'name', 'asc', 0, 0];
    const sub = ['items', 'window', '/', 'name', 'asc', 0, 'sub:', 0];
    qc.setQueryData(win, { items: [item('/a/1'), item('/a/2')], total: 2 });
    qc.setQueryData(sub, { items: [item('/a/1'), item('/a/2')], total: 2 });
    const adapter = createItemCacheAdapter(qc);
    const left = adapter.move('/a/1', '/b/1', { version: 4 });
    expect(left).toEqual([win]);
    expect(page(qc, win)).toMatchObject({ total: 1, items: [{ path: '/a/2' }] });
    expect(page(qc, sub).items.map((i) => i.path)).toEqual(['/b/1', '/a/2']);
    adapter.dispose();
  });

  it('a move of an item no page holds changes nothing', () => {
    const qc = new QueryClient();
    const win = ['items', 'window', '/a', 'name', 'asc', 0, 0];
    qc.setQueryData(win, { items: [item('/a/1')], total: 1 });
    const before = qc.getQueryData(win);
    const adapter = createItemCacheAdapter(qc);
    expect(adapter.move('/zz', '/a/zz', { version: 2 })).toEqual([]);
    expect(qc.getQueryData(win)).toBe(before);
    adapter.dispose();
  });
});
