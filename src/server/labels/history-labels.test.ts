import { describe, expect, it } from 'vitest';
import { historyEntries } from './history-labels.js';
import type { StoredEvent } from './label-store.js';

const at = '2026-01-23T19:22:05Z';
const labelEvent = (id: number, version: number, star: number | null, tags: string[] = [], notes = '', flag?: 'pick' | 'reject' | null): StoredEvent => ({
  id,
  type: 'item-updated',
  path: '/a.jpg',
  // `flag` left out: an event logged before flags existed.
  data: { path: '/a.jpg', version, star, tags, notes, ...(flag === undefined ? {} : { flag }), metrics: {}, updated_at: at, updated_by: 'ann' } as StoredEvent['data'],
  changes: {},
});
const metricsEvent = (id: number, version: number): StoredEvent => ({
  id,
  type: 'metrics-updated',
  path: '/a.jpg',
  data: { path: '/a.jpg', version, metrics: { q: id }, updated_at: at, updated_by: 'worker' },
  changes: { metrics: { q: { from: null, to: id } } },
});
const now = { star: 5, flag: 'pick' as const, tags: ['now'], notes: 'now' };

describe('history entries with their labels', () => {
  it('[LV10] a label event gives the labels after its write, notes unclipped; one from before flags is unflagged', () => {
    const long = 'x'.repeat(900);
    const entries = historyEntries([labelEvent(3, 3, 4, ['cat'], long, 'reject'), labelEvent(2, 2, 2, ['dog'])], () => now);
    expect(entries.map((e) => e.labels)).toEqual([
      { star: 4, flag: 'reject', tags: ['cat'], notes: long },
      { star: 2, flag: null, tags: ['dog'], notes: '' },
    ]);
    expect(entries[0]).toMatchObject({ event_id: 3, version: 3, type: 'item-updated', updated_by: 'ann' });
  });

  it('[LV10] a metrics-only entry has the labels of the next older label event, or the current ones when no label event is newer', () => {
    let asked = 0;
    const current = () => {
      asked++;
      return now;
    };
    const entries = historyEntries([metricsEvent(5, 5), labelEvent(4, 4, 3, ['a']), metricsEvent(3, 3), labelEvent(2, 2, 1)], current);
    expect(entries.map((e) => e.labels?.star)).toEqual([3, 3, 1, 1]);
    expect(asked).toBe(0);
    expect(historyEntries([metricsEvent(2, 2)], current)[0]!.labels).toEqual(now);
    expect(asked).toBe(1);
  });

  it('[LV10] a metrics-only entry whose labels lie beyond the entries read has none', () => {
    const entries = historyEntries([labelEvent(3, 3, 4), metricsEvent(2, 2)], () => now);
    expect(entries[1]!.labels).toBeUndefined();
    expect('labels' in entries[1]!).toBe(false);
  });
});
