import type { Sidecar } from '../../../protocol/items.js';
import { applyLabelOps, applyTagOps, normalizeTags, type LabelOps } from '../../../protocol/label-patch.js';

/** The label part of an item, as the write queue reasons about it. */
export type LabelState = Pick<Sidecar, 'version' | 'star' | 'flag' | 'tags' | 'notes'>;

// The PATCH rules themselves (trim, dedupe, set → remove → add) are the protocol's, shared with
// the server, so an optimistic update shows exactly what the server will store.
export type { LabelOps };

export function applyOps<S extends Omit<LabelState, 'version'>>(state: S, ops: LabelOps): S {
  return { ...state, ...applyLabelOps(state, ops) };
}

/** `a` then `b` as one edit. */
export function mergeOps(a: LabelOps, b: LabelOps): LabelOps {
  const out: LabelOps = {};
  const star = b.set_star !== undefined ? b.set_star : a.set_star;
  if (star !== undefined) out.set_star = star;
  const flag = b.set_flag !== undefined ? b.set_flag : a.set_flag;
  if (flag !== undefined) out.set_flag = flag;
  const notes = b.set_notes !== undefined ? b.set_notes : a.set_notes;
  if (notes !== undefined) out.set_notes = notes;
  if (b.set_tags !== undefined) {
    out.set_tags = applyTagOps([], b);
  } else if (a.set_tags !== undefined) {
    out.set_tags = applyTagOps(a.set_tags, { remove_tags: b.remove_tags, add_tags: b.add_tags });
  } else {
    const add = normalizeTags(a.add_tags ?? []);
    const remove = normalizeTags(a.remove_tags ?? []);
    for (const t of normalizeTags(b.remove_tags ?? [])) {
      if (add.includes(t)) add.splice(add.indexOf(t), 1);
      if (!remove.includes(t)) remove.push(t);
    }
    for (const t of normalizeTags(b.add_tags ?? [])) {
      if (remove.includes(t)) remove.splice(remove.indexOf(t), 1);
      if (!add.includes(t)) add.push(t);
    }
    if (add.length) out.add_tags = add;
    if (remove.length) out.remove_tags = remove;
  }
  return out;
}

export function isEmptyOps(ops: LabelOps): boolean {
  return (
    ops.set_star === undefined &&
    ops.set_flag === undefined &&
    ops.set_notes === undefined &&
    ops.set_tags === undefined &&
    !ops.add_tags?.length &&
    !ops.remove_tags?.length
  );
}

export function sameTagSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(normalizeTags(a));
  const sb = new Set(normalizeTags(b));
  if (sa.size !== sb.size) return false;
  for (const t of sa) if (!sb.has(t)) return false;
  return true;
}

export function sameLabels(a: Omit<LabelState, 'version'>, b: Omit<LabelState, 'version'>): boolean {
  return a.star === b.star && a.flag === b.flag && a.notes === b.notes && a.tags.length === b.tags.length && a.tags.every((t, i) => t === b.tags[i]);
}

/** True when `state` already shows everything `ops` asks for. */
export function isSatisfied(ops: LabelOps, state: Omit<LabelState, 'version'>): boolean {
  if (ops.set_star !== undefined && state.star !== ops.set_star) return false;
  if (ops.set_flag !== undefined && state.flag !== ops.set_flag) return false;
  if (ops.set_notes !== undefined && state.notes !== ops.set_notes) return false;
  if (ops.set_tags !== undefined && !sameTagSet(state.tags, applyTagOps([], ops))) return false;
  if (ops.set_tags === undefined) {
    const tags = new Set(state.tags);
    if (normalizeTags(ops.add_tags ?? []).some((t) => !tags.has(t))) return false;
    if (normalizeTags(ops.remove_tags ?? []).some((t) => tags.has(t))) return false;
  }
  return true;
}
