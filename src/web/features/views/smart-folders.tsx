import { useState, type FormEvent } from 'react';
import type { View } from '../../../protocol/views.js';
import { focusOnMount } from '../../lib/focus.js';
import { useViews } from './use-views.js';
import { newViewId } from './views-merge.js';
import { stateFromView, viewFromState, viewMatches, type ViewState } from './view-state.js';
import './smart-folders.css';

export interface SmartFoldersProps {
  /** What is on screen now: saved by "+ Save current view", compared for the highlight. */
  current: ViewState;
  onOpen: (state: ViewState) => void;
}

/** The smart-folder list under the tree: saved scope + filters + sort, shared by everyone. */
export function SmartFolders({ current, onOpen }: SmartFoldersProps) {
  const { views, edit, error } = useViews();
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const run = (change: Parameters<typeof edit>[0]) =>
    edit(change).then(
      () => setFailure(null),
      (e: unknown) => setFailure((e as Error)?.message || 'Couldn’t save'),
    );

  return (
    <section className="smart-folders" aria-label="Smart folders" data-testid="smart-folders">
      <div className="smart-head">
        <span className="panel-title smart-title">Smart folders</span>
        {!adding ? (
          // Not "Save …": that word belongs to the inspector's Save buttons.
          <button type="button" className="smart-add" onClick={() => setAdding(true)} title="Keep the folder, filters and sort on screen as a smart folder">
            + New
          </button>
        ) : null}
      </div>
      {adding ? (
        <NameForm
          initial=""
          submitLabel="Save"
          onCancel={() => setAdding(false)}
          onSubmit={(name) => {
            setAdding(false);
            void run({ type: 'add', view: viewFromState(newViewId(name), name, current) });
          }}
        />
      ) : null}
      <ul className="smart-list">
        {views.map((view) =>
          renaming === view.id ? (
            <li key={view.id}>
              <NameForm
                initial={view.name}
                submitLabel="Rename"
                onCancel={() => setRenaming(null)}
                onSubmit={(name) => {
                  setRenaming(null);
                  if (name !== view.name) void run({ type: 'rename', id: view.id, name });
                }}
              />
            </li>
          ) : (
            <SmartRow
              key={view.id}
              view={view}
              active={viewMatches(view, current)}
              onOpen={() => onOpen(stateFromView(view))}
              onRename={() => setRenaming(view.id)}
              onDelete={() => void run({ type: 'delete', id: view.id })}
            />
          ),
        )}
      </ul>
      {!views.length && !adding ? <p className="smart-empty">{error ? 'Couldn’t load smart folders' : 'Save a filtered, sorted folder to come back to it.'}</p> : null}
      {failure ? (
        <p className="smart-error" role="alert">
          {failure}
        </p>
      ) : null}
    </section>
  );
}

function SmartRow({ view, active, onOpen, onRename, onDelete }: { view: View; active: boolean; onOpen: () => void; onRename: () => void; onDelete: () => void }) {
  const clauses = view.filters.length;
  return (
    <li className={`smart-row${active ? ' is-active' : ''}`} data-testid="smart-folder" data-view-id={view.id}>
      <button type="button" className="smart-open" onClick={onOpen} aria-current={active ? 'true' : undefined} title={`${view.path}${clauses ? ` · ${clauses} filter${clauses === 1 ? '' : 's'}` : ''}`}>
        <svg viewBox="0 0 16 16" aria-hidden="true" className="smart-icon">
          <path d="M2 4.5A1.5 1.5 0 013.5 3h3l1.5 1.5h4.5A1.5 1.5 0 0114 6v5.5a1.5 1.5 0 01-1.5 1.5h-9A1.5 1.5 0 012 11.5z" fill="none" stroke="currentColor" strokeWidth="1.3" />
          <path d="M8 6.6l.8 1.6 1.7.2-1.3 1.2.4 1.7L8 10.4l-1.6.9.4-1.7-1.3-1.2 1.7-.2z" fill="currentColor" />
        </svg>
        <span className="smart-name">{view.name}</span>
      </button>
      <span className="smart-actions">
        <button type="button" className="smart-action" onClick={onRename} aria-label={`Rename ${view.name}`} title="Rename">
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M10.5 3.5l2 2L6 12H4v-2z" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" />
          </svg>
        </button>
        <button type="button" className="smart-action" onClick={onDelete} aria-label={`Delete ${view.name}`} title="Delete">
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M4.5 4.5l7 7M11.5 4.5l-7 7" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
          </svg>
        </button>
      </span>
    </li>
  );
}

function NameForm({ initial, submitLabel, onSubmit, onCancel }: { initial: string; submitLabel: string; onSubmit: (name: string) => void; onCancel: () => void }) {
  const [name, setName] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (trimmed) onSubmit(trimmed.slice(0, 200));
  };
  return (
    <form className="smart-form" onSubmit={submit} data-keyboard-scope>
      <input
        className="smart-input"
        ref={focusOnMount}
        value={name}
        maxLength={200}
        placeholder="Name"
        aria-label="Smart folder name"
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onCancel();
          }
        }}
      />
      <button type="submit" className="smart-save" disabled={!name.trim()}>
        {submitLabel}
      </button>
    </form>
  );
}
