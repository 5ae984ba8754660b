import type { PatchItemBody, Sidecar } from './items.js';
import { MAX_NOTES_BYTES, MAX_TAG_LENGTH, MAX_TAGS } from './items.js';

/**
 * The PATCH rules, one module for the server's write model and the browser's optimistic update:
 * tags are trimmed, empty ones dropped and duplicates removed (first kept, order kept); a patch
 * sets, then removes, then adds; only the fields sent change. The limits are checked here too;
 * how a broken limit is reported (an error code, a message) is up to each side.
 */

/** One edit: the PATCH body without `base_version`. */
export type LabelOps = Omit<PatchItemBody, 'base_version'>;
/** The user-edited fields of a sidecar. */
export type LabelFields = Pick<Sidecar, 'tags' | 'notes' | 'star' | 'flag'>;

export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of tags) {
    const tag = raw.trim();
    if (!tag || seen.has(tag)) continue;
    seen.add(tag);
    out.push(tag);
  }
  return out;
}

export type TagsProblem = 'tag_too_long' | 'too_many_tags';

/** Which limit normalized tags break, if any: a tag over MAX_TAG_LENGTH first, then more than MAX_TAGS. */
export function tagsProblem(normalized: readonly string[]): TagsProblem | null {
  if (normalized.some((t) => t.length > MAX_TAG_LENGTH)) return 'tag_too_long';
  return normalized.length > MAX_TAGS ? 'too_many_tags' : null;
}

const utf8 = new TextEncoder();

/** The notes' size in UTF-8 bytes when over MAX_NOTES_BYTES, else null. */
export function notesOverLimit(notes: string): number | null {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: short notes need no encoding to be known small.
  if (notes.length * 3 <= MAX_NOTES_BYTES) return null;
  const bytes = utf8.encode(notes).byteLength;
  return bytes > MAX_NOTES_BYTES ? bytes : null;
}

/** Tags after `ops`: set, then remove, then add (each list normalized first). */
export function applyTagOps(tags: readonly string[], ops: LabelOps): string[] {
  let next = ops.set_tags !== undefined ? normalizeTags(ops.set_tags) : [...tags];
  if (ops.remove_tags?.length) {
    const drop = new Set(normalizeTags(ops.remove_tags));
    next = next.filter((t) => !drop.has(t));
  }
  if (ops.add_tags?.length) {
    const have = new Set(next);
    for (const t of normalizeTags(ops.add_tags)) {
      if (have.has(t)) continue;
      have.add(t);
      next.push(t);
    }
  }
  return next;
}

/** The fields after `ops`; fields the patch does not name keep their value. */
export function applyLabelOps(current: LabelFields, ops: LabelOps): LabelFields {
  return {
    tags: applyTagOps(current.tags, ops),
    notes: ops.set_notes !== undefined ? ops.set_notes : current.notes,
    star: ops.set_star !== undefined ? ops.set_star : current.star,
    flag: ops.set_flag !== undefined ? ops.set_flag : current.flag,
  };
}
