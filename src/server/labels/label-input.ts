import { MAX_NOTES_BYTES, MAX_TAG_LENGTH, MAX_TAGS } from '../../protocol/items.js';
import { AppError } from '../app-error.js';

/** The tag and notes rules every label write follows. Throws AppError (codes only, no statuses). */

/** Trimmed, empty ones dropped, duplicates removed keeping the first, order kept. */
export function normalizeTags(tags: readonly string[], field: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of tags) {
    const t = raw.trim();
    if (!t || seen.has(t)) continue;
    if (t.length > MAX_TAG_LENGTH) {
      throw new AppError('invalid_body', `${field}: a tag is longer than ${MAX_TAG_LENGTH} characters`, { field });
    }
    seen.add(t);
    out.push(t);
  }
  if (out.length > MAX_TAGS) throw new AppError('invalid_body', `${field}: more than ${MAX_TAGS} tags`, { field });
  return out;
}

export function checkNotes(notes: string, field: string): string {
  const bytes = Buffer.byteLength(notes, 'utf8');
  if (bytes > MAX_NOTES_BYTES) {
    throw new AppError('invalid_body', `${field}: ${bytes} bytes, over the ${MAX_NOTES_BYTES}-byte limit`, { field });
  }
  return notes;
}
