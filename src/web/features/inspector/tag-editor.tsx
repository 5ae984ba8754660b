import { useId, useMemo, useState } from 'react';
import { suggestTags } from './tag-suggest.js';

export interface TagChip {
  tag: string;
  /** For a multi-selection: how many of the selected items carry it. */
  count?: number;
}

export interface TagEditorProps {
  tags: TagChip[];
  /** Size of the multi-selection, to show "3/5" on partial chips. */
  of?: number;
  known: readonly string[];
  disabled?: boolean;
  /** A viewer's: the chips only, without the input and the remove buttons. */
  readOnly?: boolean;
  conflict?: boolean;
  onAdd: (tag: string) => void;
  onRemove: (tag: string) => void;
  /** The input got focus: a chance to refresh the suggestions. */
  onFocus?: () => void;
}

/** Tags as chips: type and press Enter to add (with suggestions from the dataset), × to remove. */
export function TagEditor({ tags, of, known, disabled, readOnly, conflict, onAdd, onRemove, onFocus }: TagEditorProps) {
  const [draft, setDraft] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = useId();
  const present = useMemo(() => tags.filter((t) => of === undefined || t.count === of).map((t) => t.tag), [tags, of]);
  const suggestions = useMemo(() => (open ? suggestTags(draft, known, present, 8) : []), [open, draft, known, present]);

  const add = (tag: string) => {
    const clean = tag.trim();
    if (!clean) return;
    onAdd(clean);
    setDraft('');
    setActive(-1);
  };

  return (
    <div className={`tags${conflict ? ' is-conflict' : ''}`} data-testid="tags">
      <ul className="tag-list">
        {tags.map(({ tag, count }) => (
          <li key={tag} className={`tag-chip${of !== undefined && count !== of ? ' is-partial' : ''}`}>
            <span className="tag-text">{tag}</span>
            {of !== undefined && count !== of ? <span className="tag-count">{count}/{of}</span> : null}
            {readOnly ? null : (
              <button type="button" className="tag-remove" aria-label={`Remove tag ${tag}`} disabled={disabled} onClick={() => onRemove(tag)}>
                ×
              </button>
            )}
          </li>
        ))}
        {!tags.length ? <li className="tag-empty">{readOnly ? 'No tags' : 'No tags yet'}</li> : null}
      </ul>
      {readOnly ? null : (
      <div className="tag-input-wrap">
        <input
          className="tag-input"
          value={draft}
          disabled={disabled}
          placeholder={of !== undefined ? `Add a tag to all ${of}` : 'Add a tag…'}
          role="combobox"
          aria-label="Add a tag"
          aria-autocomplete="list"
          aria-controls={listId}
          aria-expanded={suggestions.length > 0}
          onChange={(e) => {
            setDraft(e.target.value);
            setOpen(true);
            setActive(-1);
          }}
          onFocus={() => {
            setOpen(true);
            onFocus?.();
          }}
          onBlur={() => setOpen(false)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add(active >= 0 && suggestions[active] ? suggestions[active] : draft);
            } else if (e.key === 'ArrowDown' && suggestions.length) {
              e.preventDefault();
              setActive((active + 1) % suggestions.length);
            } else if (e.key === 'ArrowUp' && suggestions.length) {
              e.preventDefault();
              setActive(active <= 0 ? suggestions.length - 1 : active - 1);
            } else if (e.key === 'Escape') {
              setOpen(false);
              (e.target as HTMLInputElement).blur();
            } else if (e.key === 'Backspace' && !draft && of === undefined && tags.length) {
              onRemove(tags[tags.length - 1]!.tag);
            }
          }}
        />
        {suggestions.length ? (
          // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the combobox's popup list (ARIA combobox pattern)
          <ul className="tag-suggestions" id={listId} role="listbox">
            {suggestions.map((s, i) => (
              // biome-ignore lint/a11y/useFocusableInteractive: options are picked with the arrow keys while focus stays in the combobox input
              <li
                key={s}
                // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: an option of the combobox's popup list (ARIA combobox pattern)
                role="option"
                aria-selected={i === active}
                className={i === active ? 'is-active' : undefined}
                // mousedown, not click: the input's blur would close the list first.
                onMouseDown={(e) => {
                  e.preventDefault();
                  add(s);
                }}
              >
                {s}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      )}
    </div>
  );
}
