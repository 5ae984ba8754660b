import { describe, expect, it } from 'vitest';
import { addToFeed, describeChanges, describeLabelChange, feedEntryOf, feedWithin, mergeFeed, type FeedEntry } from './activity-feed.js';
import { completion, nextInWork, statsTouched } from './progress-model.js';
import { dayTicks, personRows } from './person-table.js';

describe('my work', () => {
  it('[PW3] N goes to the first item after the open one by path, wrapping to the start', () => {
    const list = ['/a/1.jpg', '/a/3.jpg', '/b/2.jpg'];
    expect(nextInWork(list, null)).toBe('/a/1.jpg');
    expect(nextInWork(list, '/a/2.jpg')).toBe('/a/3.jpg'); // just labeled: gone from the list
    expect(nextInWork(list, '/a/3.jpg')).toBe('/b/2.jpg');
    expect(nextInWork(list, '/c.jpg')).toBe('/a/1.jpg');
    expect(nextInWork(['/a.jpg'], '/a.jpg')).toBe(null);
    expect(nextInWork([], '/a.jpg')).toBe(null);
  });

  it('[PW1] says completion as the accessible name has it, never 100 % before the last item', () => {
    expect(completion(40, 120)).toEqual({ percent: 33, text: '40 of 120 labeled' });
    expect(completion(1999, 2000).percent).toBe(99);
    expect(completion(0, 0)).toEqual({ percent: 0, text: '0 of 0 labeled' });
  });
});

describe('live stats', () => {
  it('[PW1] refetches a folder’s stats only for edits in it (its subtree when recursive), a filtered set for any', () => {
    const key = (path: string, recursive: boolean, filters = '') => ['progress', 'stats', path, recursive, filters];
    const folders = new Set(['/a/b']);
    expect(statsTouched(key('/a', true), folders)).toBe(true);
    expect(statsTouched(key('/a', false), folders)).toBe(false);
    expect(statsTouched(key('/a/b', false), folders)).toBe(true);
    expect(statsTouched(key('/ab', true), folders)).toBe(false);
    expect(statsTouched(key('/', true), folders)).toBe(true);
    expect(statsTouched(key('/c', false, '[{"star":[5]}]'), folders)).toBe(true);
  });
});

describe('activity feed', () => {
  const entry = (id: number, path = '/a/x.jpg'): FeedEntry => ({ id, path, who: 'bob', what: 'rated ★', at: '' });

  it('[PW6] describes a change from the labels before it', () => {
    const before = { star: 2, tags: ['cat'], notes: '' };
    expect(describeLabelChange(before, { star: 4, tags: ['cat', 'dog'], notes: 'n' })).toBe('★★ → ★★★★ · added dog · added notes');
    expect(describeLabelChange(before, { star: null, tags: [], notes: '' })).toBe('cleared the rating · removed cat');
    expect(describeLabelChange(undefined, { star: 3, tags: ['a'], notes: '' })).toBe('rated ★★★ · tagged a');
    expect(describeLabelChange(undefined, { star: null, tags: [], notes: '' })).toBe('cleared the labels');
  });

  it('[PW6] keeps the newest first, each event once, and only the last 100', () => {
    let feed: FeedEntry[] = [];
    for (let i = 1; i <= 150; i++) feed = addToFeed(feed, entry(i));
    feed = addToFeed(feed, entry(150));
    expect(feed.length).toBe(100);
    expect(feed[0]!.id).toBe(150);
    expect(feed.at(-1)!.id).toBe(51);
  });

  it('[PW8] describes a server entry from the changes of its write, moves and metrics included', () => {
    expect(describeChanges({ star: { from: null, to: 1 } })).toBe('rated ★');
    expect(describeChanges({ star: { from: 2, to: 5 }, tags: { added: ['a'], removed: ['b'] }, flag: { from: null, to: 'reject' } })).toBe(
      '★★ → ★★★★★ · added a · removed b · rejected',
    );
    expect(describeChanges({ notes: { from: 'x', to: '' }, flag: { from: 'pick', to: null } })).toBe('cleared notes · cleared the flag');
    expect(describeChanges({ moved: { from: '/old/dir/1.jpg', to: '/new/1.jpg' } })).toBe('moved from dir');
    expect(describeChanges({ metrics: { iou: { from: null, to: 0.5 } } })).toBe('set iou');
    expect(describeChanges({})).toBe('saved again');
    const server = feedEntryOf({ id: 7, kind: 'updated', path: '/a/1.jpg', user: 'ann', at: '2026-01-01T00:00:00Z', version: 2, changes: { star: { from: 3, to: 1 } } }, 'ann');
    expect(server).toEqual({ id: 7, path: '/a/1.jpg', who: 'ann', what: '★★★ → ★', at: '2026-01-01T00:00:00Z' });
  });

  it('[PW8] merges the server pages with the live entries, newest first, each event once, the server’s entry winning', () => {
    const live = [{ ...entry(9), what: 'rated ★★' }, { ...entry(7), what: 'live guess' }, entry(-1)];
    const server = [{ ...entry(7), what: '★★★ → ★' }, entry(5), entry(2)];
    const merged = mergeFeed(server, live);
    expect(merged.map((e) => e.id)).toEqual([9, 7, 5, 2, -1]);
    expect(merged[1]!.what).toBe('★★★ → ★');
  });

  it('[PW6] narrows to a folder and its subtree', () => {
    const feed = [entry(3, '/a/x.jpg'), entry(2, '/ab/y.jpg'), entry(1, '/a/b/z.jpg')];
    expect(feedWithin(feed, '/a').map((e) => e.id)).toEqual([3, 1]);
    expect(feedWithin(feed, '/')).toHaveLength(3);
  });
});

describe('per-person table', () => {
  const now = Date.parse('2026-12-02T10:00:00Z');

  it('[PW7] joins all-time stats with today and the last 7 UTC days from the export', () => {
    const rows = personRows(
      [
        { user: 'ada', edits: 50, items: 20, last_at: '2026-12-02T09:00:00Z' },
        { user: 'bob', edits: 5, items: 5, last_at: '2026-11-20T09:00:00Z' },
      ],
      [
        { date: '2026-12-02', user: 'ada', edits: 3 },
        { date: '2026-11-27', user: 'ada', edits: 4 },
        { date: '2026-11-25', user: 'ada', edits: 100 }, // 8th day back: out
        { date: '2026-12-02', user: 'cy', edits: 2 }, // after the stats were read
      ],
      now,
    );
    expect(rows).toEqual([
      { user: 'ada', today: 3, week: 7, all: 50, items: 20, lastAt: '2026-12-02T09:00:00Z' },
      { user: 'cy', today: 2, week: 2, all: 2, items: 0, lastAt: null },
      { user: 'bob', today: 0, week: 0, all: 5, items: 5, lastAt: '2026-11-20T09:00:00Z' },
    ]);
  });

  it('[PW7] marks each UTC midnight of the timeline', () => {
    const start = Date.parse('2026-12-01T22:00:00Z');
    const timeline = Array.from({ length: 4 }, (_, i) => ({ t: new Date(start + i * 3_600_000).toISOString(), edits: 0 }));
    expect(dayTicks(timeline)).toEqual([{ index: 2, label: 'Wed' }]);
  });

});
