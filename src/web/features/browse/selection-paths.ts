import { EMPTY_SELECTION, type Range, type Selection } from './selection.js';

/** A selection written down by path, to survive a listing whose indices shift (files added or removed). */
export interface PathSelection {
  paths: string[];
  focus: string | null;
  anchor: string | null;
}

/** The selected items' paths (those loaded; at most `limit`), minus `removed`. */
export function toPaths(selection: Selection, pathAt: (index: number) => string | undefined, removed: ReadonlySet<string>, limit: number): PathSelection {
  const paths: string[] = [];
  for (const [a, b] of selection.ranges) {
    for (let i = a; i < b && paths.length < limit; i++) {
      const p = pathAt(i);
      if (p !== undefined && !removed.has(p)) paths.push(p);
    }
  }
  const keep = (i: number) => {
    const p = i >= 0 ? pathAt(i) : undefined;
    return p !== undefined && !removed.has(p) ? p : null;
  };
  return { paths, focus: keep(selection.focus), anchor: keep(selection.anchor) };
}

/** The same selection with the file at `from` (moved on disk) now at `to`. */
export function renamePath(s: PathSelection, from: string, to: string): PathSelection {
  const rename = (p: string | null) => (p === from ? to : p);
  return { paths: s.paths.map((p) => rename(p) as string), focus: rename(s.focus), anchor: rename(s.anchor) };
}

/** The same items at their new positions; items no longer listed drop out. */
export function fromPaths(s: PathSelection, indexOf: (path: string) => number): Selection {
  const indices = s.paths.map(indexOf).filter((i) => i >= 0).sort((x, y) => x - y);
  if (!indices.length && s.focus === null) return EMPTY_SELECTION;
  const ranges: [number, number][] = [];
  for (const i of indices) {
    const last = ranges.at(-1);
    if (last && last[1] === i) last[1] = i + 1;
    else if (!last || last[1] < i) ranges.push([i, i + 1]);
  }
  const focus = s.focus !== null ? indexOf(s.focus) : -1;
  const anchor = s.anchor !== null ? indexOf(s.anchor) : -1;
  return { ranges: ranges as Range[], focus, anchor: anchor >= 0 ? anchor : focus };
}
