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
