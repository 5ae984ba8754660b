import { describe, expect, it } from 'vitest';
import { MAX_CHANGE_PATHS } from '../../protocol/events.js';
import { Catalog } from '../catalog/catalog.js';
import type { DatasetChange, DatasetSource } from '../datasets/dataset-source.js';
import { ChangeFeed, type FeedEvent } from '../events/change-feed.js';
import type { LabelMove, MoveResult } from '../labels/label-store.js';
import type { IdentityStrategy } from './identity-strategy.js';
import { foldersOf, LivingDataset, type MoveTarget } from './living-dataset.js';

function fakeSource() {
  const catalog = new Catalog();
  let listener: ((change: DatasetChange) => void) | undefined;
  const source = {
    mode: 'folder',
    catalog,
    whenIdle: async () => {},
    onChange(l: (change: DatasetChange) => void) {
      listener = l;
      return () => {
        listener = undefined;
      };
    },
  } as unknown as DatasetSource;
  return { source, catalog, emit: (change: DatasetChange) => listener?.(change) };
}

/** Moves every removed path to the added path of the same base name, after a delay (hashing). */
function byName(delays: number[] = []): IdentityStrategy & { initialCalls: number } {
  return {
    initialCalls: 0,
    async initial() {
      this.initialCalls++;
      return [];
    },
    async movesFor(change) {
      await new Promise((resolve) => setTimeout(resolve, delays.shift() ?? 0));
      const name = (p: string) => p.slice(p.lastIndexOf('/'));
      return change.removed.flatMap((from) => change.added.filter((to) => name(to) === name(from)).map((to) => ({ from, to })));
    },
    close: async () => {},
  };
}

function labelsWith(labeled: Set<string>, calls: LabelMove[][] = []): MoveTarget {
  return {
    peek: () => undefined,
    forEachLabeled: () => {},
    async moveItems(moves): Promise<MoveResult[]> {
      calls.push([...moves]);
      return moves.map((m) => (labeled.has(m.from) ? ({ status: 'moved' } as MoveResult) : { status: 'skipped', reason: 'unlabeled' }));
    },
  };
}

function collect(feed: ChangeFeed): FeedEvent[] {
  const events: FeedEvent[] = [];
  feed.subscribe((e) => events.push(e));
  return events;
}

describe('LivingDataset', () => {
  it('moves labeled items through the label service and announces the rest', async () => {
    const { source, catalog, emit } = fakeSource();
    const feed = new ChangeFeed();
    const events = collect(feed);
    const calls: LabelMove[][] = [];
    const living = new LivingDataset({ source, labels: labelsWith(new Set(['/a/x.jpg']), calls), feed, strategy: byName(), watch: false, log: () => {} });
    await living.start();
    catalog.upsert({ path: '/c/new.jpg', type: 'jpg', size: 12, addedMs: 1700000000123.5 });
    catalog.upsert({ path: '/d/e/rewritten.jpg', type: 'jpg', size: 34, addedMs: 99 });
    emit({ removed: ['/a/x.jpg', '/a/y.jpg', '/old/gone.jpg'], added: ['/b/x.jpg', '/b/y.jpg', '/c/new.jpg'], changed: ['/d/e/rewritten.jpg'] });
    await living.settled();
    expect(calls).toEqual([
      [
        { from: '/a/x.jpg', to: '/b/x.jpg' },
        { from: '/a/y.jpg', to: '/b/y.jpg' },
      ],
    ]);
    // The labeled move is the label service's to publish (durable); the unlabeled one goes out id-less.
    expect(events.map((e) => [e.type, e.id])).toEqual([
      ['item-moved', null],
      ['items-removed', null],
      ['items-added', null],
      ['item-changed', null],
    ]);
    expect(events[0]!.data).toMatchObject({ from: '/a/y.jpg', to: '/b/y.jpg', version: 1, tags: [], star: null, updated_by: 'lenslet' });
    expect(events[1]!.data).toEqual({ paths: ['/old/gone.jpg'], count: 1, folders: ['/', '/old'] });
    expect(events[2]!.data).toEqual({ paths: ['/c/new.jpg'], count: 1, folders: ['/', '/c'] });
    expect(events[3]!.data).toEqual({ path: '/d/e/rewritten.jpg', stamp: '34-99' });
    await living.close();
  });

  it('handles changes one at a time, in order, even when an earlier one takes longer', async () => {
    const { source, emit } = fakeSource();
    const feed = new ChangeFeed();
    const events = collect(feed);
    const living = new LivingDataset({ source, labels: null, feed, strategy: byName([50, 0]), watch: false, log: () => {} });
    await living.start();
    emit({ removed: [], added: ['/first.jpg'], changed: [] });
    emit({ removed: ['/first.jpg'], added: [], changed: [] });
    await living.settled();
    expect(events.map((e) => e.type)).toEqual(['items-added', 'items-removed']);
    await living.close();
  });

  it('caps the listed paths and counts them all; without labels it still announces moves', async () => {
    const { source, emit } = fakeSource();
    const feed = new ChangeFeed();
    const events = collect(feed);
    const living = new LivingDataset({ source, labels: null, feed, strategy: byName(), watch: false, log: () => {} });
    await living.start();
    const added = Array.from({ length: MAX_CHANGE_PATHS + 7 }, (_, i) => `/many/${i}.jpg`);
    emit({ removed: ['/m.jpg'], added: [...added, '/n/m.jpg'], changed: [] });
    await living.settled();
    expect(events.map((e) => e.type)).toEqual(['item-moved', 'items-added']);
    expect(events[1]!.data).toMatchObject({ count: MAX_CHANGE_PATHS + 7, folders: ['/', '/many'] });
    expect((events[1]!.data as { paths: string[] }).paths).toHaveLength(MAX_CHANGE_PATHS);
    await living.close();
  });

  it('runs the initial moves only once started, and ready settles after them', async () => {
    const { source } = fakeSource();
    const strategy = byName();
    const living = new LivingDataset({ source, labels: null, feed: new ChangeFeed(), strategy, watch: false, log: () => {} });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(strategy.initialCalls).toBe(0);
    await living.start();
    await living.ready;
    expect(strategy.initialCalls).toBe(1);
    await living.close();
  });

  it('lists every ancestor folder once', () => {
    expect(foldersOf(['/a/b/c.jpg', '/a/d.jpg', '/e.jpg'])).toEqual(['/', '/a', '/a/b']);
  });
});
