import { describe, expect, it } from 'vitest';
import {
  EMPTY_SELECTION,
  clearSelection,
  deselect,
  extendTo,
  isSelected,
  selectAll,
  selectOnly,
  selectedCount,
  selectedIndices,
  toggle,
} from './selection.js';

describe('selection model', () => {
  it('selects one item on a plain click', () => {
    const s = selectOnly(4);
    expect(selectedIndices(s)).toEqual([4]);
    expect(s.anchor).toBe(4);
    expect(s.focus).toBe(4);
  });

  it('extends from the anchor with shift, in either direction, replacing the previous range', () => {
    let s = extendTo(selectOnly(5), 8);
    expect(selectedIndices(s)).toEqual([5, 6, 7, 8]);
    s = extendTo(s, 2);
    expect(selectedIndices(s)).toEqual([2, 3, 4, 5]);
    expect(s.anchor).toBe(5);
    expect(s.focus).toBe(2);
  });

  it('deselects one item (gone on the server), keeping the rest, the anchor and the cursor', () => {
    const s = extendTo(selectOnly(2), 6);
    const d = deselect(s, 4);
    expect(selectedIndices(d)).toEqual([2, 3, 5, 6]);
    expect([d.anchor, d.focus]).toEqual([2, 6]);
    expect(selectedIndices(deselect(deselect(d, 2), 6))).toEqual([3, 5]);
    expect(deselect(d, 9)).toBe(d); // not selected: unchanged
    expect(selectedCount(deselect(selectOnly(1), 1))).toBe(0);
  });

  it('shift without an anchor selects just the target', () => {
    expect(selectedIndices(extendTo(EMPTY_SELECTION, 3))).toEqual([3]);
  });

  it('toggles items with ctrl and merges adjacent ranges', () => {
    let s = toggle(selectOnly(1), 3);
    expect(selectedIndices(s)).toEqual([1, 3]);
    s = toggle(s, 2);
    expect(s.ranges).toEqual([[1, 4]]);
    s = toggle(s, 2);
    expect(s.ranges).toEqual([[1, 2], [3, 4]]);
    s = toggle(s, 1);
    expect(selectedIndices(s)).toEqual([3]);
  });

  it('adds a shift range to the selection with ctrl+shift', () => {
    const s = extendTo(toggle(selectOnly(0), 10), 12, true);
    expect(selectedIndices(s)).toEqual([0, 10, 11, 12]);
  });

  it('selects all of a huge folder as one range', () => {
    const s = selectAll(100_000);
    expect(s.ranges).toEqual([[0, 100_000]]);
    expect(selectedCount(s)).toBe(100_000);
    expect(isSelected(s, 99_999)).toBe(true);
    expect(isSelected(s, 100_000)).toBe(false);
    expect(selectedIndices(s, 3)).toEqual([0, 1, 2]);
  });

  it('clears with Esc but keeps the cursor', () => {
    const s = clearSelection(extendTo(selectOnly(2), 4));
    expect(selectedCount(s)).toBe(0);
    expect(s.focus).toBe(4);
    expect(selectAll(0)).toBe(EMPTY_SELECTION);
  });
});
