import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../../protocol/events.js';
import type { EventSourceLike } from './event-stream.js';
import { SyncEngine } from './sync-engine.js';
import { FakeClock, response, storage } from './testing/fakes.js';

describe('sync engine: server events for other features', () => {
  it('passes every parsed event to onServerEvent listeners until they unsubscribe', () => {
    const handlers = new Map<string, (ev: MessageEvent) => void>();
    const source: EventSourceLike = {
      readyState: 1,
      onopen: null,
      onerror: null,
      addEventListener: (type, listener) => void handlers.set(type, listener),
      close: () => {},
    };
    const engine = new SyncEngine({
      fetch: async () => response(200, { gallery_id: '/', viewers: 1, editors: 0, updated_at: 'x' }),
      storage: storage(),
      session: storage(),
      clock: new FakeClock(),
      makeId: () => 'id-0123456789abcdef',
      createEventSource: () => source,
      beacon: () => true,
      cache: { read: () => null, patch: () => {} },
      refetchAll: () => {},
      pollVisible: () => {},
      random: () => 0.5,
    });
    const seen: ServerEvent['type'][] = [];
    const off = engine.onServerEvent((e) => seen.push(e.type));
    engine.start();
    const emit = (type: string, data: unknown, id: number) => handlers.get(type)!({ data: JSON.stringify(data), lastEventId: String(id) } as MessageEvent);
    emit('views-updated', { version: 3 }, 1);
    emit('metrics-updated', { path: '/a.jpg', version: 2, metrics: { aesthetic: 0.5 }, updated_at: 't', updated_by: 'x' }, 2);
    emit('views-updated', { bogus: true }, 3); // malformed: not passed on
    off();
    emit('views-updated', { version: 4 }, 4);
    engine.stop();
    expect(seen).toEqual(['views-updated', 'metrics-updated']);
  });
});

describe('sync engine: a living dataset', () => {
  function setup() {
    const handlers = new Map<string, (ev: MessageEvent) => void>();
    const sources: EventSourceLike[] = [];
    const clock = new FakeClock();
    const refreshed: string[][] = [];
    let refetches = 0;
    const moves: string[] = [];
    const engine = new SyncEngine({
      fetch: async () => response(200, {}),
      storage: storage(),
      session: storage(),
      clock,
      makeId: () => 'id-0123456789abcdef',
      createEventSource: () => {
        const source: EventSourceLike = { readyState: 1, onopen: null, onerror: null, addEventListener: (type, l) => void handlers.set(type, l), close: () => {} };
        sources.push(source);
        return source;
      },
      beacon: () => true,
      cache: {
        read: () => null,
        patch: () => {},
        move: (from, to) => {
          moves.push(`${from}>${to}`);
          return [];
        },
      },
      refetchAll: () => {},
      pollVisible: () => {},
      refreshFolders: (f) => refreshed.push([...f].sort()),
      refetchListings: () => refetches++,
      random: () => 0.5,
    });
    const emit = (type: string, data: unknown, id?: number) =>
      handlers.get(type)!({ data: JSON.stringify(data), lastEventId: id === undefined ? '' : String(id) } as MessageEvent);
    return { engine, clock, refreshed, moves, emit, sources, refetches: () => refetches };
  }
  const set = (paths: string[], folders: string[]) => ({ paths, count: paths.length, folders });

  it('a burst of items-added / items-removed becomes one folder refresh within 300 ms', async () => {
    const { engine, clock, refreshed, emit } = setup();
    engine.start();
    emit('items-added', set(['/a/1.jpg'], ['/a']));
    await clock.advance(100);
    emit('items-removed', set(['/b/2.jpg'], ['/b']));
    emit('items-added', set(['/a/3.jpg'], ['/a']));
    expect(refreshed).toEqual([]);
    await clock.advance(200);
    expect(refreshed).toEqual([['/a', '/b']]);
    await clock.advance(1000);
    expect(refreshed).toHaveLength(1);
    engine.stop();
  });

  it('item-moved moves the cached item, retargets queued edits, and refreshes both folders when it changed folder', async () => {
    const { engine, clock, refreshed, moves, emit } = setup();
    engine.start();
    const labels = { version: 3, tags: ['cat'], notes: '', star: 4, updated_at: 't', updated_by: 'w' };
    emit('item-moved', { from: '/a/x.jpg', to: '/a/y.jpg', ...labels }, 7);
    await clock.advance(300);
    expect(moves).toEqual(['/a/x.jpg>/a/y.jpg']);
    expect(refreshed).toEqual([]); // renamed in place: nothing to refetch
    emit('item-moved', { from: '/a/y.jpg', to: '/b/y.jpg', ...labels, version: 4 }, 8);
    await clock.advance(300);
    expect(refreshed).toEqual([['/a', '/b']]);
    engine.stop();
  });

  it('refetches the listings when the stream comes back after a drop (added/removed files are not replayed)', async () => {
    const { engine, clock, sources, emit, refetches } = setup();
    engine.start();
    sources[0]!.onopen!(new Event('open'));
    emit('item-changed', { path: '/a.jpg', stamp: 's' }, undefined);
    emit('views-updated', { version: 1 }, 5);
    expect(refetches()).toBe(0);
    sources[0]!.onerror!(new Event('error'));
    await clock.advance(5_000);
    expect(sources.length).toBe(2);
    sources[1]!.onopen!(new Event('open'));
    expect(refetches()).toBe(1);
    engine.stop();
  });
});
