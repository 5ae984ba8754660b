import { parentPath } from '../../protocol/paths.js';

/** A folder as the tree knows it: what `/folders?limit=0` returned in `dirs`. */
export interface TreeFolder {
  name: string;
  path: string;
  count: number;
}

/** One visible line of the tree. */
export interface TreeRow {
  path: string;
  name: string;
  count: number;
  depth: number;
  expanded: boolean;
  /** False once the children are loaded and there are none; true while unknown. */
  expandable: boolean;
  loading: boolean;
}

/**
 * Flattens the expanded part of the tree into rows for a virtualized list. Children are only
 * known for folders that were fetched; an expanded folder whose children are still loading
 * shows as `loading`.
 */
export function flattenTree(
  root: { name: string; count: number },
  childrenOf: (path: string) => readonly TreeFolder[] | undefined,
  expanded: ReadonlySet<string>,
): TreeRow[] {
  const rows: TreeRow[] = [];
  const visit = (folder: TreeFolder, depth: number) => {
    const children = childrenOf(folder.path);
    const isExpanded = expanded.has(folder.path) && children !== undefined && children.length > 0;
    rows.push({
      path: folder.path,
      name: folder.name,
      count: folder.count,
      depth,
      expanded: isExpanded,
      expandable: children === undefined || children.length > 0,
      loading: expanded.has(folder.path) && children === undefined,
    });
    if (isExpanded) for (const child of children) visit(child, depth + 1);
  };
  visit({ path: '/', name: root.name, count: root.count }, 0);
  return rows;
}

/** `/a/b/c` → `['/', '/a', '/a/b', '/a/b/c']`: what must be expanded to show a folder. */
export function ancestorsOf(path: string): string[] {
  const out = [path];
  let current = path;
  while (current !== '/') {
    current = parentPath(current);
    out.unshift(current);
  }
  return out;
}

export type TreeEffect =
  | { type: 'focus'; index: number }
  | { type: 'expand'; path: string }
  | { type: 'collapse'; path: string }
  | { type: 'open'; path: string }
  | null;

/** What a tree key does from the focused row (ARIA tree pattern). */
export function treeEffect(
  rows: readonly TreeRow[],
  focus: number,
  action: 'up' | 'down' | 'home' | 'end' | 'expand' | 'collapse' | 'open',
): TreeEffect {
  if (rows.length === 0) return null;
  const index = Math.min(Math.max(focus, 0), rows.length - 1);
  const row = rows[index]!;
  switch (action) {
    case 'up':
      return { type: 'focus', index: Math.max(0, index - 1) };
    case 'down':
      return { type: 'focus', index: Math.min(rows.length - 1, index + 1) };
    case 'home':
      return { type: 'focus', index: 0 };
    case 'end':
      return { type: 'focus', index: rows.length - 1 };
    case 'expand':
      if (!row.expandable) return null;
      if (!row.expanded) return row.loading ? null : { type: 'expand', path: row.path };
      return { type: 'focus', index: index + 1 };
    case 'collapse': {
      if (row.expanded || row.loading) return { type: 'collapse', path: row.path };
      if (row.depth === 0) return null;
      for (let i = index - 1; i >= 0; i--) if (rows[i]!.depth < row.depth) return { type: 'focus', index: i };
      return null;
    }
    case 'open':
      return { type: 'open', path: row.path };
  }
}
