import { describe, expect, it } from 'vitest';
import { sameWindows, windowOffsets } from './listing-windows.js';

describe('listing windows', () => {
  it('needs only the first window at the top of a big folder', () => {
    expect(windowOffsets(0, 40, 100_000)).toEqual([0]);
  });

  it('fetches the next window before the viewport reaches it', () => {
    expect(windowOffsets(300, 360, 100_000)).toEqual([0, 500]);
    expect(windowOffsets(600, 700, 100_000)).toEqual([0, 500]);
    expect(windowOffsets(700, 760, 100_000)).toEqual([500]);
  });

  it('covers a jump to the middle with the windows around it only', () => {
    expect(windowOffsets(50_010, 50_080, 100_000)).toEqual([49_500, 50_000]);
  });

  it('clamps to the listing', () => {
    expect(windowOffsets(95, 120, 120)).toEqual([0]);
    expect(windowOffsets(0, 0, 0)).toEqual([0]);
    expect(windowOffsets(99_990, 99_999, 100_000)).toEqual([99_500]);
  });

  it('says when scrolling changed which windows are needed', () => {
    expect(sameWindows(0, 40, 20, 60)).toBe(true);
    expect(sameWindows(0, 40, 300, 360)).toBe(false);
  });
});
