import { describe, expect, it } from 'vitest';
import { decodeLabelFilter, describeLabelFilter, encodeLabelFilter, toggleFlag, toggleStar, toggleTag, toQueryFilters, NO_LABEL_FILTER } from './label-filter.js';

describe('label filter', () => {
  it('round-trips through the URL, tags with any characters', () => {
    const f = { stars: [5, 0], flags: ['pick' as const, 'none' as const], tags: ['cat', 'a,b & c'] };
    const qs = encodeLabelFilter(f).join('&');
    expect(qs).toBe('stars=5,0&flags=pick,none&tag=cat&tag=a%2Cb%20%26%20c');
    expect(decodeLabelFilter(new URLSearchParams(qs))).toEqual(f);
  });

  it('ignores junk in a hand-edited URL', () => {
    expect(decodeLabelFilter(new URLSearchParams('stars=9,x,3,3&flags=none,maybe,pick,none&tag=&tag=%20ok'))).toEqual({ stars: [3], flags: ['pick', 'none'], tags: ['ok'] });
  });

  it('becomes query clauses: any of the ratings (0 = unrated), any of the flags, all of the tags', () => {
    expect(toQueryFilters({ stars: [4, 0], flags: [], tags: ['cat', 'dog'] })).toEqual([{ stars: [4, 0] }, { tags_all: ['cat', 'dog'] }]);
    expect(toQueryFilters({ stars: [], flags: ['reject'], tags: [] })).toEqual([{ flags: ['reject'] }]);
    expect(toQueryFilters(NO_LABEL_FILTER)).toEqual([]);
  });

  it('toggles and describes', () => {
    const f = toggleTag(toggleStar(toggleStar(NO_LABEL_FILTER, 0), 5), 'cat');
    expect(f).toEqual({ stars: [5, 0], flags: [], tags: ['cat'] });
    expect(describeLabelFilter(f)).toBe('5★, Unrated · cat');
    const flagged = toggleFlag(toggleFlag(f, 'none'), 'pick');
    expect(flagged.flags).toEqual(['pick', 'none']);
    expect(describeLabelFilter(flagged)).toBe('5★, Unrated · Picks, Unflagged · cat');
    expect(toggleFlag(flagged, 'pick').flags).toEqual(['none']);
    expect(toggleStar(f, 5).stars).toEqual([0]);
  });
});
