import { describe, expect, it } from 'vitest';
import { UNKNOWN_ASPECT, aspectOf, justifiedLayout, moveIndex, rowAtOffset, squareLayout } from './grid-layout.js';

const rowWidth = (layout: ReturnType<typeof justifiedLayout>, r: number) => {
  const row = layout.rows[r]!;
  return layout.x[row.end - 1]! + layout.w[row.end - 1]!;
};

describe('justified layout', () => {
  it('fills every row but the last to the exact width and keeps aspect ratios', () => {
    const aspects = [1.5, 0.75, 1, 2, 1.333, 0.5, 1.5, 1, 1.2, 0.8, 1.6];
    const layout = justifiedLayout({ count: aspects.length, aspect: (i) => aspects[i]!, width: 1000, targetHeight: 200, gap: 4 });
    expect(layout.rows.length).toBeGreaterThan(1);
    for (let r = 0; r < layout.rows.length - 1; r++) {
      expect(rowWidth(layout, r)).toBeCloseTo(1000, 3);
      const row = layout.rows[r]!;
      for (let i = row.start; i < row.end; i++) expect(layout.w[i]! / row.height).toBeCloseTo(aspects[i]!, 3);
    }
    const last = layout.rows.at(-1)!;
    expect(last.height).toBe(200);
    expect(layout.x[last.start]).toBe(0);
    expect(rowWidth(layout, layout.rows.length - 1)).toBeLessThan(1000);
  });

  it('covers every item exactly once, in order, with stacked rows', () => {
    const layout = justifiedLayout({ count: 1000, aspect: (i) => 0.5 + (i % 7) / 4, width: 1234, targetHeight: 180, gap: 6 });
    let expected = 0;
    let top = 0;
    layout.rows.forEach((row, r) => {
      expect(row.start).toBe(expected);
      expect(row.top).toBeCloseTo(top, 3);
      for (let i = row.start; i < row.end; i++) expect(layout.rowOf[i]).toBe(r);
      expected = row.end;
      top = row.top + row.height + 6;
    });
    expect(expected).toBe(1000);
    expect(layout.totalHeight).toBeCloseTo(top - 6, 3);
  });

  it('treats unknown dimensions as 4:3 and clamps extreme panoramas', () => {
    expect(aspectOf(0, 0)).toBe(UNKNOWN_ASPECT);
    expect(aspectOf(undefined, 10)).toBe(UNKNOWN_ASPECT);
    expect(aspectOf(300, 200)).toBe(1.5);
    expect(aspectOf(10000, 100)).toBe(4);
  });

  it('lays out 100k items, every item in exactly one row', () => {
    const layout = justifiedLayout({ count: 100_000, aspect: (i) => 1 + (i % 3) / 3, width: 1600, targetHeight: 220, gap: 4 });
    expect(layout.rows.length).toBeGreaterThan(10_000);
    expect(layout.rows[0]!.start).toBe(0);
    expect(layout.rows[layout.rows.length - 1]!.end).toBe(100_000);
    expect(layout.rows.every((r, i) => i === 0 || r.start === layout.rows[i - 1]!.end)).toBe(true);
  });

  it('returns an empty layout for no items or no width', () => {
    expect(justifiedLayout({ count: 0, aspect: () => 1, width: 100, targetHeight: 10, gap: 2 }).rows).toEqual([]);
    expect(justifiedLayout({ count: 3, aspect: () => 1, width: 0, targetHeight: 10, gap: 2 }).totalHeight).toBe(0);
  });
});

describe('square layout', () => {
  it('fits as many columns as the size allows and stretches them to the width', () => {
    const layout = squareLayout({ count: 10, width: 1000, size: 200, gap: 10 });
    // floor((1000+10)/(210)) = 4 columns of (1000-30)/4 = 242.5
    expect(layout.rows.length).toBe(3);
    expect(layout.w[0]).toBeCloseTo(242.5);
    expect(layout.x[3]! + layout.w[3]!).toBeCloseTo(1000);
    expect(layout.rows[2]).toMatchObject({ start: 8, end: 10 });
    expect(layout.totalHeight).toBeCloseTo(3 * 242.5 + 20);
  });
});

describe('grid navigation', () => {
  const layout = squareLayout({ count: 10, width: 1000, size: 200, gap: 10 });
  it('moves in reading order with left/right and clamps at the ends', () => {
    expect(moveIndex(layout, 10, 3, 'right')).toBe(4);
    expect(moveIndex(layout, 10, 9, 'right')).toBe(9);
    expect(moveIndex(layout, 10, 0, 'left')).toBe(0);
  });
  it('moves to the closest centre in the adjacent row', () => {
    expect(moveIndex(layout, 10, 1, 'down')).toBe(5);
    expect(moveIndex(layout, 10, 7, 'down')).toBe(9);
    expect(moveIndex(layout, 10, 5, 'up')).toBe(1);
    expect(moveIndex(layout, 10, 2, 'up')).toBe(2);
  });
  it('picks the closest centre in justified rows of different widths', () => {
    const aspects = [2, 1, 1, 1, 1];
    const j = justifiedLayout({ count: 5, aspect: (i) => aspects[i]!, width: 300, targetHeight: 100, gap: 0 });
    // row 0: items 0 (wide) and 1; row 1: items 2..4
    expect(j.rows[0]).toMatchObject({ start: 0, end: 2 });
    expect(moveIndex(j, 5, 1, 'down')).toBe(4);
    expect(moveIndex(j, 5, 2, 'up')).toBe(0);
  });
  it('starts at the first item when nothing is focused', () => {
    expect(moveIndex(layout, 10, -1, 'down')).toBe(0);
    expect(moveIndex(layout, 0, -1, 'down')).toBe(-1);
  });
  it('finds the row at a scroll offset', () => {
    expect(rowAtOffset(layout, 0)).toBe(0);
    expect(rowAtOffset(layout, 260)).toBe(1);
    expect(rowAtOffset(layout, 100000)).toBe(2);
  });
});
