import { describe, expect, it } from 'vitest';
import { MAX_SCALE, MIN_SCALE, clampScale, fitScale, wheelFactor, zoomAround } from './zoom.js';

describe('viewer zoom', () => {
  it('fits large images and never upscales small ones', () => {
    expect(fitScale(4000, 3000, 1000, 1000)).toBe(0.25);
    expect(fitScale(1000, 4000, 1000, 1000)).toBe(0.25);
    expect(fitScale(200, 100, 1000, 800)).toBe(1);
    expect(fitScale(0, 0, 1000, 800)).toBe(1);
  });
  it('clamps to 5%–800%', () => {
    expect(clampScale(0.001)).toBe(MIN_SCALE);
    expect(clampScale(100)).toBe(MAX_SCALE);
    expect(clampScale(2)).toBe(2);
  });
  it('keeps the point under the cursor fixed when zooming', () => {
    const pan = { x: 10, y: -20 };
    const cursor = { x: 100, y: 50 };
    const next = zoomAround(pan, 0.5, 1, cursor);
    // image coordinate under the cursor before and after
    const before = { x: (cursor.x - pan.x) / 0.5, y: (cursor.y - pan.y) / 0.5 };
    const after = { x: (cursor.x - next.x) / 1, y: (cursor.y - next.y) / 1 };
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
  });
  it('turns a wheel notch into ×1.2 in or out', () => {
    expect(wheelFactor(-100)).toBeCloseTo(1.2);
    expect(wheelFactor(100)).toBeCloseTo(1 / 1.2);
    expect(wheelFactor(-6, 1)).toBeGreaterThan(1.2);
  });
});
