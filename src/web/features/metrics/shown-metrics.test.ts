import { describe, expect, it } from 'vitest';
import { shownMetrics } from './shown-metrics.js';

const names = ['sharpness', 'aesthetic', 'clip'];

describe('metric cards shown', () => {
  it('starts with the most common metric until the user chooses', () => {
    expect(shownMetrics(null, names, [])).toEqual(['sharpness']);
    expect(shownMetrics(null, [], [])).toEqual([]);
  });

  it('keeps the chosen order, adds every metric with a range, and drops unknown ones', () => {
    const ranges = [{ metric: 'aesthetic', min: 0.5, max: null }];
    expect(shownMetrics(['clip', 'gone'], names, ranges)).toEqual(['clip', 'aesthetic']);
    expect(shownMetrics(null, names, ranges)).toEqual(['aesthetic']);
    // A range on a metric the fields list doesn't know (yet) still gets its card.
    expect(shownMetrics(['new'], names, [{ metric: 'new', min: 1, max: 2 }])).toEqual(['new']);
  });

  it('shows nothing when the user hid every card', () => {
    expect(shownMetrics([], names, [])).toEqual([]);
  });
});
