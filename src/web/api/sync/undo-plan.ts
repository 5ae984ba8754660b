import type { Flag } from '../../../protocol/items.js';
import { normalizeTags } from '../../../protocol/label-patch.js';
import { applyOps, isEmptyOps, sameTagSet, type LabelOps, type LabelState } from './label-ops.js';
import { rebase, type ConflictField } from './rebase.js';

export type Labels = Omit<LabelState, 'version'>;

/** The values of the fields one action changed on one item, before or after it (absent: untouched). */
export interface FieldValues {
  star?: number | null;
  flag?: Flag;
  notes?: string;
  tags?: string[];
}

/** What one action did to one item: only the fields it changed. */
export interface UndoChange {
  path: string;
  before: FieldValues;
  after: FieldValues;
}

/**
 * What `ops` changes on an item showing `shown`: the fields whose value differs after it, with
 * their values before and after; null when it changes nothing there. Tag order alone is no change.
 */
export function changeOf(path: string, shown: Labels, ops: LabelOps): UndoChange | null {
  const next = applyOps(shown, ops);
  const before: FieldValues = {};
  const after: FieldValues = {};
  if (shown.star !== next.star) [before.star, after.star] = [shown.star, next.star];
  if (shown.flag !== next.flag) [before.flag, after.flag] = [shown.flag, next.flag];
  if (shown.notes !== next.notes) [before.notes, after.notes] = [shown.notes, next.notes];
  if (!sameTagSet(shown.tags, next.tags)) [before.tags, after.tags] = [[...shown.tags], [...next.tags]];
  return Object.keys(after).length ? { path, before, after } : null;
}

/** The edit that takes the fields of `from` to the values of `to`: tags as per-tag additions and removals. */
export function opsToward(from: FieldValues, to: FieldValues): LabelOps {
  const ops: LabelOps = {};
  if ('star' in to) ops.set_star = to.star ?? null;
  if ('flag' in to) ops.set_flag = to.flag ?? null;
  if (to.notes !== undefined) ops.set_notes = to.notes;
  if (to.tags && from.tags) {
    const have = new Set(normalizeTags(from.tags));
    const want = new Set(normalizeTags(to.tags));
    const add = [...want].filter((t) => !have.has(t));
    const remove = [...have].filter((t) => !want.has(t));
    if (add.length) ops.add_tags = add;
    if (remove.length) ops.remove_tags = remove;
  }
  return ops;
}

export type StepPlan =
  /** The item already shows the target values: nothing to send. */
  | { kind: 'done' }
  /** Nobody else changed the fields since: send `ops`. */
  | { kind: 'send'; ops: LabelOps }
  /**
   * Someone else changed `fields` since: `conflictOps` wait for the user ("Newer change detected");
   * `autoOps` (the other fields of the action) still go out.
   */
  | { kind: 'conflict'; fields: ConflictField[]; autoOps: LabelOps; conflictOps: LabelOps };

/**
 * Undo (toward `before`) or redo (toward `after`) of one item's change, against what the item
 * shows now (`shown`: the server's state plus my edits still pending). The expected state is the
 * other side of the change: a field that no longer holds it was changed by someone else, and is
 * not overwritten. The rules are the write queue's 409 rules (rebase.ts), with the action's other
 * side as the base, so an undo decided here and one refused later by the server agree.
 */
export function planStep(change: UndoChange, direction: 'undo' | 'redo', shown: LabelState): StepPlan {
  const [from, to] = direction === 'undo' ? [change.after, change.before] : [change.before, change.after];
  const ops = opsToward(from, to);
  if (isEmptyOps(ops)) return { kind: 'done' };
  const expected: LabelState = {
    version: shown.version,
    star: 'star' in from ? (from.star ?? null) : shown.star,
    flag: 'flag' in from ? (from.flag ?? null) : shown.flag,
    notes: from.notes ?? shown.notes,
    tags: from.tags ?? shown.tags,
  };
  const r = rebase(ops, expected, shown);
  if (r.kind === 'satisfied') return { kind: 'done' };
  if (r.kind === 'rebased') return { kind: 'send', ops: r.ops };
  return r;
}
