import { MAX_NOTES_BYTES, MAX_TAG_LENGTH, MAX_TAGS } from '../../protocol/items.js';
import { normalizeTags as normalizeTagList, notesOverLimit, tagsProblem } from '../../protocol/label-patch.js';
import { AppError } from '../app-error.js';

/** The tag and notes rules every label write follows. Throws AppError (codes only, no statuses). */

/** Tags by the shared PATCH rules (trimmed, empty dropped, first of duplicates kept); over a limit throws. */
export function normalizeTags(tags: readonly string[], field: string): string[] {
  const out = normalizeTagList(tags);
  const problem = tagsProblem(out);
  if (problem === 'tag_too_long') {
    throw new AppError('invalid_body', `${field}: a tag is longer than ${MAX_TAG_LENGTH} characters`, { field });
  }
  if (problem === 'too_many_tags') throw new AppError('invalid_body', `${field}: more than ${MAX_TAGS} tags`, { field });
  return out;
}

export function checkNotes(notes: string, field: string): string {
  const bytes = notesOverLimit(notes);
  if (bytes !== null) {
    throw new AppError('invalid_body', `${field}: ${bytes} bytes, over the ${MAX_NOTES_BYTES}-byte limit`, { field });
  }
  return notes;
}
