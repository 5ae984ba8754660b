import { useEffect, useRef, useState } from 'react';

export interface NotesEditorProps {
  path: string;
  /** The item's notes as the cache shows them (server state plus my pending edits). */
  value: string;
  disabled?: boolean;
  /** A viewer's: the notes shown (and selectable), never edited. */
  readOnly?: boolean;
  conflict?: boolean;
  onSave: (path: string, notes: string) => void;
}

export const NOTES_DEBOUNCE_MS = 600;

/**
 * Notes save while typing after a short pause, and on blur. The draft is the user's until it is
 * sent: a remote change only replaces it when there is nothing unsent in it. Switching items (or
 * unmounting) flushes what is unsent for the item being left.
 */
export function NotesEditor({ path, value, disabled, readOnly, conflict, onSave }: NotesEditorProps) {
  const [draft, setDraft] = useState(value);
  const unsent = useRef<{ path: string; notes: string } | null>(null);
  const timer = useRef<number | null>(null);
  const save = useRef(onSave);
  save.current = onSave;

  const flush = () => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    const pending = unsent.current;
    unsent.current = null;
    if (pending) save.current(pending.path, pending.notes);
  };

  // Another item: send what was typed for the previous one, then show this one's notes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs per item: a new value for the same item is handled by the effect below, and flush reads refs
  useEffect(() => {
    setDraft(value);
    return flush;
  }, [path]);

  // The item's notes changed under us (our own save echoing back, or someone else's change).
  useEffect(() => {
    if (!unsent.current) setDraft(value);
  }, [value]);

  return (
    <textarea
      className={`notes${conflict ? ' is-conflict' : ''}${readOnly ? ' is-readonly' : ''}`}
      value={draft}
      disabled={disabled && !readOnly}
      readOnly={readOnly}
      placeholder={readOnly ? 'No notes' : 'Add notes…'}
      aria-label="Notes"
      rows={readOnly && !draft ? 2 : 4}
      data-testid="notes"
      onChange={(e) => {
        const notes = e.target.value;
        setDraft(notes);
        unsent.current = { path, notes };
        if (timer.current !== null) window.clearTimeout(timer.current);
        timer.current = window.setTimeout(flush, NOTES_DEBOUNCE_MS);
      }}
      onBlur={flush}
    />
  );
}
