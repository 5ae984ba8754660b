import type { DuplicateGroup } from '../../../protocol/duplicates.js';

/** Where the keyboard is in the Duplicates view: a group (row) and an item in it. */
export interface DupFocus {
  group: number;
  item: number;
}

export const NO_FOCUS: DupFocus = { group: 0, item: 0 };

export type DupAction = { kind: 'move'; focus: DupFocus } | { kind: 'keep'; group: number; keeper: number } | { kind: 'none' };

/**
 * The Duplicates view's keys: ↑/↓ (or k/j) move between groups, ←/→ (or h/l) between the items of a
 * group, Home/End to the first and last group; Enter or `K` keeps the focused item (flag pick) and
 * rejects the rest of its group: one keystroke per group (issue 13).
 */
export function dupKey(key: string, focus: DupFocus, groupSizes: readonly number[]): DupAction {
  const groups = groupSizes.length;
  if (groups === 0) return { kind: 'none' };
  const at = clamp(focus, groupSizes);
  const to = (group: number, item: number): DupAction => ({ kind: 'move', focus: clamp({ group, item }, groupSizes) });
  switch (key) {
    case 'ArrowDown':
    case 'j':
      return to(at.group + 1, at.item);
    case 'ArrowUp':
    case 'k':
      return to(at.group - 1, at.item);
    case 'ArrowRight':
    case 'l':
      return to(at.group, at.item + 1);
    case 'ArrowLeft':
    case 'h':
      return to(at.group, at.item - 1);
    case 'Home':
      return to(0, 0);
    case 'End':
      return to(groups - 1, 0);
    case 'Enter':
    case 'K':
      return { kind: 'keep', group: at.group, keeper: at.item };
    default:
      return { kind: 'none' };
  }
}

/** Keeps the focus on an existing group and item when the groups change under it. */
export function clamp(focus: DupFocus, groupSizes: readonly number[]): DupFocus {
  if (groupSizes.length === 0) return NO_FOCUS;
  const group = Math.min(Math.max(focus.group, 0), groupSizes.length - 1);
  const item = Math.min(Math.max(focus.item, 0), groupSizes[group]! - 1);
  return { group, item };
}

/** The writes that keep one item of a group: pick it, reject the others (those not rejected yet). */
export function keepPlan(group: DuplicateGroup, keeper: number): { pick: string[]; reject: string[] } {
  const kept = group.items[keeper];
  if (!kept) return { pick: [], reject: [] };
  return {
    pick: kept.flag === 'pick' ? [] : [kept.path],
    reject: group.items.filter((item, i) => i !== keeper && item.flag !== 'reject').map((item) => item.path),
  };
}

/** A group whose every item is flagged already (one pick, the rest rejected) counts as reviewed. */
export function isReviewed(group: DuplicateGroup): boolean {
  return group.items.filter((i) => i.flag === 'pick').length === 1 && group.items.every((i) => i.flag === 'pick' || i.flag === 'reject');
}
