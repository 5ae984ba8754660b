import { describe, expect, it } from 'vitest';
import { stateFromView, viewFromState, viewMatches, type ViewState } from './view-state.js';

const state: ViewState = {
  path: '/trips',
  sort: 'metric:aesthetic',
  order: 'desc',
  seed: 1,
  labels: { stars: [5], flags: ['pick'], tags: ['beach'] },
  metrics: [{ metric: 'aesthetic', min: 0.8, max: null }],
  sub: true,
  similar: null,
};

describe('smart folder ↔ screen state', () => {
  it('saves scope, filters and sort, and restores them', () => {
    const view = viewFromState('best-1', 'Best', state);
    expect(view).toEqual({
      id: 'best-1',
      name: 'Best',
      path: '/trips',
      recursive: true,
      filters: [{ stars: [5] }, { flags: ['pick'] }, { tags_all: ['beach'] }, { metric: 'aesthetic', min: 0.8 }],
      sort: { key: 'metric:aesthetic', order: 'desc' },
    });
    expect(stateFromView(view)).toEqual(state);
  });

  it('saves the metrics panel’s cards and restores them; older views restore their one metric or none', () => {
    const view = viewFromState('best-1', 'Best', { ...state, shownMetrics: ['sharpness', 'aesthetic'] });
    expect(view.metrics).toEqual(['sharpness', 'aesthetic']);
    expect(stateFromView(view).shownMetrics).toEqual(['sharpness', 'aesthetic']);
    const { metrics: _cards, ...older } = view;
    expect(stateFromView({ ...older, metric: 'clip' }).shownMetrics).toEqual(['clip']);
    expect(stateFromView(older)).not.toHaveProperty('shownMetrics'); // the panel is left as it is
    // Which cards are shown is not part of the list on screen: the highlight stays.
    expect(viewMatches(view, { ...state, shownMetrics: ['clip'] })).toBe(true);
  });

  it('keeps the seed of a random order, and falls back to name for an unknown sort', () => {
    const random = viewFromState('r', 'R', { ...state, sort: 'random', order: 'asc', seed: 42 });
    expect(random.sort).toEqual({ key: 'random', order: 'asc', seed: 42 });
    expect(stateFromView(random).seed).toBe(42);
    expect(stateFromView({ ...random, sort: { key: 'bogus', order: 'asc' } }).sort).toBe('name');
  });

  it('matches only while the screen shows that exact view', () => {
    const view = viewFromState('best-1', 'Best', state);
    expect(viewMatches(view, state)).toBe(true);
    expect(viewMatches(view, { ...state, path: '/' })).toBe(false);
    expect(viewMatches(view, { ...state, sub: false })).toBe(false);
    expect(viewMatches(view, { ...state, order: 'asc' })).toBe(false);
    expect(viewMatches(view, { ...state, metrics: [{ metric: 'aesthetic', min: 0.7, max: null }] })).toBe(false);
    expect(viewMatches(view, { ...state, seed: 99 })).toBe(true); // the seed only matters for random
  });

  it('saves "Find similar" (the item and embedding) and restores it; views saved before it restore none', () => {
    const similar = { ...state, similar: { path: '/trips/a.jpg', embedding: 'clip' } };
    const view = viewFromState('like-a', 'Like a', similar);
    expect(view.similar).toEqual({ path: '/trips/a.jpg', embedding: 'clip' });
    expect(stateFromView(view)).toMatchObject({ similar: { path: '/trips/a.jpg', embedding: 'clip' } });
    expect(viewMatches(view, similar)).toBe(true);
    expect(viewMatches(view, state)).toBe(false);
    const { similar: _none, ...older } = viewFromState('old', 'Old', state);
    expect(stateFromView(older).similar).toBeNull();
  });
});
