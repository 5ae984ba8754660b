import { describe, expect, it } from 'vitest';
import { binAt, binEdge, binsInRange, brushRange, countInRange, fractionOf, valueAt, type Axis } from './histogram-math.js';

const axis: Axis = { min: 0, max: 1, bins: 40 };

describe('histogram brush math', () => {
  it('maps fractions to values and back, clamped', () => {
    expect(valueAt(axis, 0.25)).toBe(0.25);
    expect(valueAt(axis, -1)).toBe(0);
    expect(valueAt(axis, 2)).toBe(1);
    expect(fractionOf({ min: 10, max: 20, bins: 10 }, 15)).toBe(0.5);
    expect(fractionOf({ min: 10, max: 20, bins: 10 }, 99)).toBe(1);
  });

  it('puts the axis end into the last bin', () => {
    expect(binAt(axis, 0)).toBe(0);
    expect(binAt(axis, 0.999)).toBe(39);
    expect(binAt(axis, 1)).toBe(39);
  });

  it('snaps a brush outwards to whole bins, in either drag direction', () => {
    expect(brushRange(axis, 0.9, 0.51)).toEqual({ min: 0.5, max: 0.925 });
    expect(brushRange(axis, 0.51, 0.9)).toEqual({ min: 0.5, max: 0.925 });
    expect(brushRange(axis, 0, 1)).toEqual({ min: 0, max: 1 });
    // Float noise is rounded away, so URLs and inputs stay readable.
    expect(binEdge({ min: 0.1, max: 0.7, bins: 3 }, 1)).toBe(0.3);
  });

  it('finds the bins a range covers, and the reverse of a brush gives back its bins', () => {
    const r = brushRange(axis, 0.51, 0.9);
    expect(binsInRange(axis, r.min, r.max)).toEqual([20, 36]);
    expect(binsInRange(axis, null, 0.1)).toEqual([0, 3]);
    expect(binsInRange(axis, 0.9, null)).toEqual([36, 39]);
    expect(binsInRange(axis, 2, 3)).toBeNull();
  });

  it('handles a population with a single value', () => {
    const flat: Axis = { min: 5, max: 5, bins: 40 };
    expect(binsInRange(flat, 4, 6)).toEqual([0, 0]);
    expect(binsInRange(flat, 6, null)).toBeNull();
    expect(fractionOf(flat, 5)).toBe(0);
  });

  it('counts the items in a range from the bins', () => {
    const counts = Array.from({ length: 40 }, (_, i) => i);
    expect(countInRange(axis, counts, null, null)).toBe(780);
    expect(countInRange(axis, counts, 0.5, 0.525)).toBe(20);
  });
});
