import { describe, expect, it } from 'vitest';
import { ancestorsOf, flattenTree, treeEffect, type TreeFolder } from './tree-model.js';

const children: Record<string, TreeFolder[]> = {
  '/': [
    { name: 'a', path: '/a', count: 3 },
    { name: 'Café ☕', path: '/Café ☕', count: 1 },
  ],
  '/a': [{ name: 'deep', path: '/a/deep', count: 2 }],
  '/a/deep': [],
};
const childrenOf = (p: string) => children[p];

describe('tree model', () => {
  it('shows only the root while nothing is expanded', () => {
    const rows = flattenTree({ name: 'photos', count: 6 }, childrenOf, new Set());
    expect(rows).toEqual([{ path: '/', name: 'photos', count: 6, depth: 0, expanded: false, expandable: true, loading: false }]);
  });

  it('flattens expanded folders depth first', () => {
    const rows = flattenTree({ name: 'photos', count: 6 }, childrenOf, new Set(['/', '/a', '/a/deep']));
    expect(rows.map((r) => [r.path, r.depth, r.expanded, r.expandable])).toEqual([
      ['/', 0, true, true],
      ['/a', 1, true, true],
      ['/a/deep', 2, false, false],
      ['/Café ☕', 1, false, true],
    ]);
  });

  it('marks expanded folders whose children are not loaded yet', () => {
    const rows = flattenTree({ name: 'photos', count: 6 }, childrenOf, new Set(['/', '/Café ☕']));
    expect(rows.at(-1)).toMatchObject({ path: '/Café ☕', loading: true, expanded: false });
  });

  it('lists ancestors to expand', () => {
    expect(ancestorsOf('/')).toEqual(['/']);
    expect(ancestorsOf('/a/b c/d')).toEqual(['/', '/a', '/a/b c', '/a/b c/d']);
  });

  describe('keys', () => {
    const rows = flattenTree({ name: 'photos', count: 6 }, childrenOf, new Set(['/', '/a']));
    it('moves focus with up, down, home and end', () => {
      expect(treeEffect(rows, 0, 'up')).toEqual({ type: 'focus', index: 0 });
      expect(treeEffect(rows, 1, 'down')).toEqual({ type: 'focus', index: 2 });
      expect(treeEffect(rows, 1, 'end')).toEqual({ type: 'focus', index: 3 });
      expect(treeEffect(rows, 3, 'home')).toEqual({ type: 'focus', index: 0 });
    });
    it('expands a collapsed folder, or steps into an expanded one', () => {
      expect(treeEffect(rows, 3, 'expand')).toEqual({ type: 'expand', path: '/Café ☕' });
      expect(treeEffect(rows, 1, 'expand')).toEqual({ type: 'focus', index: 2 });
      expect(treeEffect(rows, 2, 'expand')).toBeNull();
    });
    it('collapses an expanded folder, or steps to the parent', () => {
      expect(treeEffect(rows, 1, 'collapse')).toEqual({ type: 'collapse', path: '/a' });
      expect(treeEffect(rows, 2, 'collapse')).toEqual({ type: 'focus', index: 1 });
      expect(treeEffect(rows, 3, 'collapse')).toEqual({ type: 'focus', index: 0 });
    });
    it('opens the focused folder', () => {
      expect(treeEffect(rows, 2, 'open')).toEqual({ type: 'open', path: '/a/deep' });
      expect(treeEffect([], 0, 'open')).toBeNull();
    });
  });
});
