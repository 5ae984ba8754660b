/**
 * Grid selection as sorted, disjoint half-open index ranges, so Ctrl+A on a 100k-item folder
 * is one range rather than 100k paths (most of which are not even loaded). React-free.
 */
export type Range = readonly [start: number, end: number];

export interface Selection {
  ranges: readonly Range[];
  /** Where shift-extension starts from; -1 when none. */
  anchor: number;
  /** The keyboard cursor; -1 when none. */
  focus: number;
}

export const EMPTY_SELECTION: Selection = { ranges: [], anchor: -1, focus: -1 };

function normalize(ranges: Range[]): Range[] {
  const sorted = ranges.filter(([a, b]) => b > a).sort((p, q) => p[0] - q[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function isSelected(selection: Selection, index: number): boolean {
  // Ranges are few (one per ctrl-click at most), so a linear scan beats cleverness.
  for (const [a, b] of selection.ranges) {
    if (index < a) return false;
    if (index < b) return true;
  }
  return false;
}

export function selectedCount(selection: Selection): number {
  let n = 0;
  for (const [a, b] of selection.ranges) n += b - a;
  return n;
}

/** The first `limit` selected indices, in order. */
export function selectedIndices(selection: Selection, limit = Infinity): number[] {
  const out: number[] = [];
  for (const [a, b] of selection.ranges) {
    for (let i = a; i < b && out.length < limit; i++) out.push(i);
    if (out.length >= limit) break;
  }
  return out;
}

/** Plain click or plain arrow: only this item. */
export function selectOnly(index: number): Selection {
  return { ranges: [[index, index + 1]], anchor: index, focus: index };
}

/** Ctrl/Cmd-click: flip one item, keep the rest. */
export function toggle(selection: Selection, index: number): Selection {
  if (isSelected(selection, index)) return { ranges: without(selection.ranges, index), anchor: index, focus: index };
  return { ranges: normalize([...selection.ranges, [index, index + 1]]), anchor: index, focus: index };
}

/** Drops one item (its edit came back 404: the item is gone); anchor and cursor stay. */
export function deselect(selection: Selection, index: number): Selection {
  return isSelected(selection, index) ? { ...selection, ranges: without(selection.ranges, index) } : selection;
}

function without(ranges: readonly Range[], index: number): Range[] {
  const out: Range[] = [];
  for (const [a, b] of ranges) {
    if (index >= a && index < b) out.push([a, index], [index + 1, b]);
    else out.push([a, b]);
  }
  return normalize(out);
}

/**
 * Shift-click or shift-arrow: the range from the anchor to `index`. With `additive`
 * (Ctrl/Cmd+Shift) the range is added to the existing selection instead of replacing it.
 */
export function extendTo(selection: Selection, index: number, additive = false): Selection {
  const anchor = selection.anchor >= 0 ? selection.anchor : index;
  const range: Range = [Math.min(anchor, index), Math.max(anchor, index) + 1];
  const ranges = additive ? normalize([...selection.ranges, range]) : [range];
  return { ranges, anchor, focus: index };
}

export function selectAll(count: number, focus = -1): Selection {
  if (count <= 0) return EMPTY_SELECTION;
  return { ranges: [[0, count]], anchor: Math.max(focus, 0), focus };
}

/** Esc: nothing selected, but the keyboard cursor stays where it was. */
export function clearSelection(selection: Selection): Selection {
  return { ranges: [], anchor: selection.focus, focus: selection.focus };
}
