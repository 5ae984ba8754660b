import { describe, expect, it } from 'vitest';
import { filterChips, fromClauses, gridClauses, NO_GRID_FILTER, type GridFilter } from './grid-filter.js';

const f: GridFilter = {
  labels: { stars: [5, 0], flags: ['pick'], tags: ['cat', 'dog'] },
  metrics: [{ metric: 'aesthetic', min: 0.5, max: 0.9 }],
  sub: false,
};

describe('grid filter', () => {
  it('builds POST /query clauses in a stable order', () => {
    expect(gridClauses(f)).toEqual([{ stars: [5, 0] }, { flags: ['pick'] }, { tags_all: ['cat', 'dog'] }, { metric: 'aesthetic', min: 0.5, max: 0.9 }]);
    expect(gridClauses(NO_GRID_FILTER)).toEqual([]);
  });

  it('makes one chip per clause, each removing only itself', () => {
    const chips = filterChips(f);
    expect(chips.map((c) => c.label)).toEqual(['Rating 5★, Unrated', 'Flag Picks', '#cat', '#dog', 'aesthetic 0.5–0.9']);
    expect(chips[0]!.without.labels).toEqual({ stars: [], flags: ['pick'], tags: ['cat', 'dog'] });
    expect(chips[1]!.without.labels).toEqual({ stars: [5, 0], flags: [], tags: ['cat', 'dog'] });
    expect(chips[2]!.without.labels.tags).toEqual(['dog']);
    expect(chips[4]!.without.metrics).toEqual([]);
    expect(chips[4]!.without.labels).toBe(f.labels);
    const sub = filterChips({ ...f, sub: true });
    expect(sub[0]).toMatchObject({ id: 'sub', label: 'Including subfolders', without: f });
  });

  it('reads saved clauses back, keeping what it cannot show apart', () => {
    const { filter, unsupported } = fromClauses([...gridClauses(f), { text: 'sunset' }, { metric: 'x' }]);
    expect(filter).toEqual({ labels: f.labels, metrics: f.metrics });
    expect(unsupported).toEqual([{ text: 'sunset' }, { metric: 'x' }]);
  });
});
