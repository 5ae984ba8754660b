import type { Flag } from '../../protocol/items.js';
import type { LabeledRule } from '../../protocol/progress.js';
import type { LabelSnapshot } from '../labels/label-lookup.js';

/** An item's pick/reject flag (issue 12); a hand-made snapshot without one reads as unflagged. */
export function flagOf(s: LabelSnapshot): Flag {
  return s.flag ?? null;
}

/** A star of 1 to 5: 0 and null both mean unrated, as in the `stars` filter. */
export function starOf(s: LabelSnapshot): number {
  return s.star !== null && s.star > 0 ? s.star : 0;
}

/** Any label: a star, a tag, notes or a flag (metrics are not labels). */
export function hasAnyLabel(s: LabelSnapshot): boolean {
  return starOf(s) > 0 || s.tags.length > 0 || s.notes !== '' || flagOf(s) !== null;
}

/** Whether an item with these labels (undefined: never written) counts as labeled under `rule`. */
export function isLabeled(rule: LabeledRule, s: LabelSnapshot | undefined): boolean {
  if (!s) return false;
  if (rule === 'any') return hasAnyLabel(s);
  if (rule === 'star') return starOf(s) > 0;
  if (rule === 'flag') return flagOf(s) !== null;
  return s.tags.includes(rule.slice(4));
}
