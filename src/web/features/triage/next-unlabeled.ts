import type { Item } from '../../../protocol/items.js';

/** An item with neither a star nor a flag (star 0 counts as unrated, as the stars filter says). */
export function isUnlabeled(item: Pick<Item, 'star' | 'flag'>): boolean {
  return (item.star ?? 0) === 0 && (item.flag ?? null) === null;
}

export type Seek =
  /** The next unlabeled item. */
  | { kind: 'found'; index: number }
  /** The scan reached an item whose window is not loaded: load it, then seek again. */
  | { kind: 'load'; index: number }
  /** Every other item has a star or a flag. */
  | { kind: 'none' };

/**
 * The first unlabeled item after `from` in list order, wrapping once to the start and stopping
 * before `from` itself (from < 0: the whole list). Items are read as the cache shows them, my
 * pending edits included, so an item I just rated is skipped before the server has answered.
 */
export function seekUnlabeled(from: number, total: number, getItem: (index: number) => Pick<Item, 'star' | 'flag'> | undefined): Seek {
  const start = from < 0 ? 0 : from + 1;
  const steps = from < 0 ? total : total - 1;
  for (let k = 0; k < steps; k++) {
    const index = (start + k) % total;
    const item = getItem(index);
    if (!item) return { kind: 'load', index };
    if (isUnlabeled(item)) return { kind: 'found', index };
  }
  return { kind: 'none' };
}
