import { describe, expect, it } from 'vitest';
import type { DuplicateGroup } from '../../../protocol/duplicates.js';
import type { Item } from '../../../protocol/items.js';
import { clamp, dupKey, isReviewed, keepPlan } from './duplicates-keys.js';

const item = (path: string, flag: Item['flag'] = null): Item => ({ path, name: path.slice(1), type: 'image/jpeg', w: 10, h: 10, size: 1, added_at: '', star: null, flag, tags: [], notes: '', version: 1 });
const group = (...items: Item[]): DuplicateGroup => ({ items, distance: 4 });

describe('Duplicates keys', () => {
  it('moves between groups and within a group, staying inside both', () => {
    const sizes = [2, 5, 3];
    expect(dupKey('ArrowDown', { group: 0, item: 1 }, sizes)).toEqual({ kind: 'move', focus: { group: 1, item: 1 } });
    expect(dupKey('j', { group: 2, item: 0 }, sizes)).toEqual({ kind: 'move', focus: { group: 2, item: 0 } });
    expect(dupKey('ArrowRight', { group: 1, item: 4 }, sizes)).toEqual({ kind: 'move', focus: { group: 1, item: 4 } });
    expect(dupKey('ArrowUp', { group: 1, item: 4 }, sizes)).toEqual({ kind: 'move', focus: { group: 0, item: 1 } });
    expect(dupKey('End', { group: 0, item: 1 }, sizes)).toEqual({ kind: 'move', focus: { group: 2, item: 0 } });
    expect(dupKey('x', { group: 0, item: 0 }, sizes)).toEqual({ kind: 'none' });
    expect(dupKey('Enter', { group: 0, item: 0 }, [])).toEqual({ kind: 'none' });
  });

  it('[DU8] one keystroke keeps the focused item of the focused group', () => {
    expect(dupKey('Enter', { group: 1, item: 2 }, [2, 3])).toEqual({ kind: 'keep', group: 1, keeper: 2 });
    expect(dupKey('K', { group: 9, item: 9 }, [2, 3])).toEqual({ kind: 'keep', group: 1, keeper: 2 });
  });

  it('[DU8] keeping picks the keeper and rejects the rest, writing only what changes', () => {
    const g = group(item('/a'), item('/b', 'reject'), item('/c', 'pick'));
    expect(keepPlan(g, 0)).toEqual({ pick: ['/a'], reject: ['/c'] });
    expect(keepPlan(g, 2)).toEqual({ pick: [], reject: ['/a'] });
    expect(isReviewed(g)).toBe(false);
    expect(isReviewed(group(item('/a', 'reject'), item('/b', 'pick')))).toBe(true);
  });

  it('keeps the focus on something that exists when groups go away', () => {
    expect(clamp({ group: 4, item: 3 }, [2, 2])).toEqual({ group: 1, item: 1 });
    expect(clamp({ group: 1, item: 1 }, [])).toEqual({ group: 0, item: 0 });
  });
});
