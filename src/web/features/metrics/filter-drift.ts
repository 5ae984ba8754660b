import type { Item } from '../../../protocol/items.js';
import type { Filter } from '../../../protocol/query.js';

export type LabeledItem = Pick<Item, 'path' | 'star' | 'flag' | 'tags' | 'notes'>;

/**
 * Whether an item still passes the clauses a label edit can change (stars, flags, tags, text over path
 * and notes), decided as the server does (src/server/query/filters.ts). Metric, size and date
 * clauses don't move with a label edit, so they count as passed.
 */
export function passesLabelClauses(item: LabeledItem, clauses: readonly Filter[]): boolean {
  for (const c of clauses) {
    if ('stars' in c && !c.stars.includes(item.star ?? 0)) return false;
    if ('flags' in c && !c.flags.includes(item.flag ?? 'none')) return false;
    if ('tags_all' in c && !c.tags_all.every((t) => item.tags.includes(t))) return false;
    if ('tags_any' in c && c.tags_any.length > 0 && !c.tags_any.some((t) => item.tags.includes(t))) return false;
    if ('tags_none' in c && c.tags_none.some((t) => item.tags.includes(t))) return false;
    if ('text' in c) {
      const needle = c.text.trim().toLowerCase();
      if (needle && !item.path.toLowerCase().includes(needle) && !item.notes.toLowerCase().includes(needle)) return false;
    }
  }
  return true;
}

/**
 * How many items of a filtered list the user's own edits took out of its filters. They stay on
 * screen until the list is refreshed (an item must not jump away while it is being edited), so the
 * chips bar offers that refresh while this is above 0. Other people's edits refresh on their own.
 */
export function editedOffFilter(items: Iterable<LabeledItem | undefined>, edited: ReadonlySet<string>, clauses: readonly Filter[]): number {
  if (!edited.size || !clauses.length) return 0;
  let n = 0;
  for (const item of items) if (item && edited.has(item.path) && !passesLabelClauses(item, clauses)) n++;
  return n;
}
