import { describe, expect, it } from 'vitest';
import { extendTo, selectOnly, selectedIndices, toggle } from './selection.js';
import { fromPaths, renamePath, toPaths } from './selection-paths.js';

describe('selection by path across a changed listing', () => {
  const before = ['/a', '/b', '/c', '/d', '/e'];
  const at = (list: string[]) => (i: number) => list[i];
  const indexIn = (list: string[]) => (p: string) => list.indexOf(p);

  it('a file added before the selection shifts it onto the same items', () => {
    const s = extendTo(selectOnly(1), 3); // b, c, d
    const saved = toPaths(s, at(before), new Set(), 1000);
    const after = ['/0', ...before];
    const next = fromPaths(saved, indexIn(after));
    expect(selectedIndices(next).map((i) => after[i])).toEqual(['/b', '/c', '/d']);
    expect([after[next.anchor], after[next.focus]]).toEqual(['/b', '/d']);
  });

  it('a removed file leaves the selection; the rest stays selected', () => {
    const s = toggle(toggle(selectOnly(0), 2), 4); // a, c, e; focus e
    const saved = toPaths(s, at(before), new Set(['/c', '/e']), 1000);
    const after = ['/a', '/b', '/d'];
    const next = fromPaths(saved, indexIn(after));
    expect(selectedIndices(next).map((i) => after[i])).toEqual(['/a']);
    expect(next.focus).toBe(-1);
  });

  it('items not listed any more (moved to another folder) drop out', () => {
    const saved = toPaths(selectOnly(1), at(before), new Set(), 1000);
    const next = fromPaths(saved, indexIn(['/a', '/c']));
    expect(selectedIndices(next)).toEqual([]);
  });

  it('a file renamed on disk stays selected, focused and anchored under its new name', () => {
    const s = extendTo(selectOnly(1), 2); // b, c; anchor b, focus c
    const saved = renamePath(toPaths(s, at(before), new Set(), 1000), '/c', '/c2');
    const after = ['/0', '/a', '/b', '/c2', '/d', '/e'];
    const next = fromPaths(saved, indexIn(after));
    expect(selectedIndices(next).map((i) => after[i])).toEqual(['/b', '/c2']);
    expect([after[next.anchor], after[next.focus]]).toEqual(['/b', '/c2']);
  });
});
