import { describe, expect, it } from 'vitest';
import { EventStream, type ConnectionStatus, type EventSourceLike } from './event-stream.js';
import { FakeClock } from './testing/fakes.js';
import type { ServerEvent } from '../../../protocol/events.js';

class FakeEventSource implements EventSourceLike {
  readyState = 0;
  onopen: ((ev: Event) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  closed = false;
  listeners = new Map<string, (ev: MessageEvent) => void>();
  constructor(readonly url: string) {}
  addEventListener(type: string, l: (ev: MessageEvent) => void) {
    this.listeners.set(type, l);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  fail() {
    this.readyState = 2;
    this.onerror?.(new Event('error'));
  }
  emit(type: string, data: unknown, id: number) {
    this.listeners.get(type)?.(new MessageEvent(type, { data: JSON.stringify(data), lastEventId: String(id) }));
  }
}

const itemUpdated = (path: string, version: number) => ({
  path,
  version,
  tags: ['a'],
  notes: '',
  star: 3,
  updated_at: '2026-01-01T00:00:00Z',
  updated_by: 'Bob',
});

function setup() {
  const clock = new FakeClock();
  const sources: FakeEventSource[] = [];
  const events: Array<{ e: ServerEvent; id: number | null }> = [];
  const statuses: ConnectionStatus[] = [];
  let polls = 0;
  let resyncs = 0;
  const stream = new EventStream({
    url: '/events',
    create: (url) => {
      const s = new FakeEventSource(url);
      sources.push(s);
      return s;
    },
    clock,
    onEvent: (e, id) => events.push({ e, id }),
    onStatus: (s) => statuses.push(s),
    onResync: () => resyncs++,
    poll: () => polls++,
    random: () => 0.5,
  });
  return { clock, sources, events, statuses, stream, polls: () => polls, resyncs: () => resyncs };
}

describe('event stream', () => {
  it('delivers validated events and remembers the last event id', () => {
    const { stream, sources, events, statuses } = setup();
    stream.start();
    sources[0]!.open();
    sources[0]!.emit('item-updated', itemUpdated('/a.jpg', 2), 41);
    sources[0]!.emit('item-updated', { nonsense: true }, 42);
    sources[0]!.emit('presence', { gallery_id: '/', viewers: 2, editors: 0, updated_at: 'x' }, 43);
    expect(events.map((e) => [e.e.type, e.id])).toEqual([
      ['item-updated', 41],
      ['presence', 43],
    ]);
    expect(stream.lastEventId).toBe(43);
    expect(statuses).toEqual(['live']);
  });

  it('recreates a CLOSED EventSource with backoff, resuming from the last event id', async () => {
    const { stream, sources, clock, statuses } = setup();
    stream.start();
    sources[0]!.open();
    sources[0]!.emit('item-updated', itemUpdated('/a.jpg', 2), 7);
    sources[0]!.fail();
    expect(sources[0]!.closed).toBe(true);
    expect(statuses.at(-1)).toBe('reconnecting');
    await clock.advance(999);
    expect(sources).toHaveLength(1);
    await clock.advance(1);
    expect(sources).toHaveLength(2);
    expect(sources[1]!.url).toBe('/events?last_event_id=7');
    sources[1]!.fail();
    await clock.advance(1999);
    expect(sources).toHaveLength(2);
    await clock.advance(1);
    expect(sources).toHaveLength(3);
    sources[2]!.open();
    expect(statuses.at(-1)).toBe('live');
  });

  it('polls while the stream is down for long, goes Offline, and stops polling once it is back', async () => {
    const { stream, sources, clock, statuses, polls } = setup();
    stream.start();
    sources[0]!.open();
    sources[0]!.emit('item-updated', itemUpdated('/a.jpg', 2), 1);
    sources[0]!.fail();
    await clock.advance(4_000);
    expect(polls()).toBe(0);
    await clock.advance(1_500);
    expect(polls()).toBe(1);
    expect(stream.isPolling).toBe(true);
    for (const s of sources) if (s.readyState === 0) s.fail();
    await clock.advance(15_000);
    expect(polls()).toBe(2);
    await clock.advance(12_000);
    expect(statuses).toContain('offline');
    const latest = sources.at(-1)!;
    latest.open();
    expect(stream.isPolling).toBe(false);
    const before = polls();
    await clock.advance(60_000);
    expect(polls()).toBe(before);
    expect(statuses.at(-1)).toBe('live');
  });

  it('refetches on a resync event, and after a gap it cannot resume', () => {
    const { stream, sources, resyncs } = setup();
    stream.start();
    sources[0]!.open();
    sources[0]!.emit('resync', { reason: 'log pruned', last_event_id: 10 }, 99);
    expect(resyncs()).toBe(1);
    const again = setup();
    again.stream.start();
    again.sources[0]!.open();
    again.sources[0]!.fail();
    again.stream.reconnectNow();
    again.sources[1]!.open(); // no event id yet: what happened in between is unknown
    expect(again.resyncs()).toBe(1);
  });

  it('drops a live stream when the browser goes offline and reconnects when it is back', async () => {
    const { stream, sources, statuses, clock } = setup();
    stream.start();
    sources[0]!.open();
    stream.wentOffline();
    expect(sources[0]!.closed).toBe(true);
    expect(statuses.at(-1)).toBe('offline');
    stream.reconnectNow();
    expect(sources).toHaveLength(2);
    sources[1]!.open();
    expect(statuses.at(-1)).toBe('live');
    await clock.advance(60_000);
    expect(sources).toHaveLength(2);
  });

  it('ignores a replaced source and stops cleanly', async () => {
    const { stream, sources, events, clock } = setup();
    stream.start();
    const old = sources[0]!;
    old.fail();
    await clock.advance(1_000);
    old.emit('item-updated', itemUpdated('/a.jpg', 2), 5);
    expect(events).toHaveLength(0);
    stream.stop();
    await clock.advance(120_000);
    expect(sources).toHaveLength(2);
    expect(sources[1]!.closed).toBe(true);
  });
});
