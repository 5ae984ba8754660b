import type { PatchItemBody } from '../../../protocol/items.js';

/** The label part of an item, as the write queue reasons about it. */
export interface LabelState {
  version: number;
  star: number | null;
  tags: string[];
  notes: string;
}

/** One edit's operations: the PATCH body without `base_version`. */
export type LabelOps = Omit<PatchItemBody, 'base_version'>;

export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/** Set, then remove, then add: the order the server applies a PATCH in. */
export function applyTagOps(tags: readonly string[], ops: LabelOps): string[] {
  let next = ops.set_tags !== undefined ? normalizeTags(ops.set_tags) : [...tags];
  if (ops.remove_tags?.length) {
    const removed = new Set(normalizeTags(ops.remove_tags));
    next = next.filter((t) => !removed.has(t));
  }
  if (ops.add_tags?.length) next = normalizeTags([...next, ...ops.add_tags]);
  return next;
}

export function applyOps<S extends Omit<LabelState, 'version'>>(state: S, ops: LabelOps): S {
  return {
    ...state,
    star: ops.set_star !== undefined ? ops.set_star : state.star,
    notes: ops.set_notes !== undefined ? ops.set_notes : state.notes,
    tags: applyTagOps(state.tags, ops),
  };
}

/** `a` then `b` as one edit. */
export function mergeOps(a: LabelOps, b: LabelOps): LabelOps {
  const out: LabelOps = {};
  const star = b.set_star !== undefined ? b.set_star : a.set_star;
  if (star !== undefined) out.set_star = star;
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
  return a.star === b.star && a.notes === b.notes && a.tags.length === b.tags.length && a.tags.every((t, i) => t === b.tags[i]);
}

/** True when `state` already shows everything `ops` asks for. */
export function isSatisfied(ops: LabelOps, state: Omit<LabelState, 'version'>): boolean {
  if (ops.set_star !== undefined && state.star !== ops.set_star) return false;
  if (ops.set_notes !== undefined && state.notes !== ops.set_notes) return false;
  if (ops.set_tags !== undefined && !sameTagSet(state.tags, applyTagOps([], ops))) return false;
  if (ops.set_tags === undefined) {
    const tags = new Set(state.tags);
    if (normalizeTags(ops.add_tags ?? []).some((t) => !tags.has(t))) return false;
    if (normalizeTags(ops.remove_tags ?? []).some((t) => tags.has(t))) return false;
  }
  return true;
}
