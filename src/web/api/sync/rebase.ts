import { applyTagOps, normalizeTags } from '../../../protocol/label-patch.js';
import { isEmptyOps, sameTagSet, type LabelOps, type LabelState } from './label-ops.js';

export type ConflictField = 'star' | 'flag' | 'notes' | 'tags';

export type RebaseResult =
  /** The server already shows everything the edit asked for. */
  | { kind: 'satisfied' }
  /** No overlap with the other change: resend `ops` on top of `current`. */
  | { kind: 'rebased'; ops: LabelOps }
  /** Overlap: `autoOps` can still go out on their own; `conflictOps` wait for the user. */
  | { kind: 'conflict'; fields: ConflictField[]; autoOps: LabelOps; conflictOps: LabelOps };

/**
 * Rebases an edit made against `base` onto the newer `current` server state.
 * A field "overlaps" when someone else changed it since `base` and the result differs from ours.
 * Stars, flags and tag additions/removals merge on their own when they don't overlap; notes and
 * whole-list tag replacements that overlap go to the user. Tag add/remove are per-tag set
 * operations, so they never overlap: adding a tag someone else removed is still our intent.
 */
export function rebase(ops: LabelOps, base: LabelState, current: LabelState): RebaseResult {
  const auto: LabelOps = {};
  const conflict: LabelOps = {};
  const fields: ConflictField[] = [];

  if (ops.set_star !== undefined && current.star !== ops.set_star) {
    if (current.star === base.star) auto.set_star = ops.set_star;
    else {
      conflict.set_star = ops.set_star;
      fields.push('star');
    }
  }
  if (ops.set_flag !== undefined && current.flag !== ops.set_flag) {
    if (current.flag === base.flag) auto.set_flag = ops.set_flag;
    else {
      conflict.set_flag = ops.set_flag;
      fields.push('flag');
    }
  }
  if (ops.set_notes !== undefined && current.notes !== ops.set_notes) {
    if (current.notes === base.notes) auto.set_notes = ops.set_notes;
    else {
      conflict.set_notes = ops.set_notes;
      fields.push('notes');
    }
  }
  if (ops.set_tags !== undefined) {
    const target = applyTagOps([], ops);
    if (!sameTagSet(current.tags, target)) {
      if (sameTagSet(current.tags, base.tags)) auto.set_tags = target;
      else {
        conflict.set_tags = target;
        fields.push('tags');
      }
    }
  } else {
    const have = new Set(current.tags);
    const add = normalizeTags(ops.add_tags ?? []).filter((t) => !have.has(t));
    const remove = normalizeTags(ops.remove_tags ?? []).filter((t) => have.has(t));
    if (add.length) auto.add_tags = add;
    if (remove.length) auto.remove_tags = remove;
  }

  if (fields.length) return { kind: 'conflict', fields, autoOps: auto, conflictOps: conflict };
  if (isEmptyOps(auto)) return { kind: 'satisfied' };
  return { kind: 'rebased', ops: auto };
}
