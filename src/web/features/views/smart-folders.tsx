import { useId, useState, type FormEvent } from 'react';
import type { View } from '../../../protocol/views.js';
import { focusOnMount } from '../../lib/focus.js';
import { useViewRights } from './use-view-rights.js';
import { useViews } from './use-views.js';
import { canEdit, isShared, type ViewRights } from './view-rights.js';
import { newViewId } from './views-merge.js';
import { stateFromView, viewFromState, viewMatches, type ViewState } from './view-state.js';
import './smart-folders.css';

export interface SmartFoldersProps {
  /** What is on screen now: saved by "+ Save current view", compared for the highlight. */
  current: ViewState;
  onOpen: (state: ViewState) => void;
}

/**
 * The smart-folder list under the tree: saved scope + filters + sort. With accounts, each is shared
 * (everyone sees it, admins change it) or private to whoever made it; the rights only hide controls
 * that would be refused, the server decides.
 */
export function SmartFolders({ current, onOpen }: SmartFoldersProps) {
  const { views, edit, error } = useViews();
  const rights = useViewRights();
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
        {!adding && rights.own ? (
          // Not "Save …": that word belongs to the inspector's Save buttons.
          <button type="button" className="smart-add" onClick={() => setAdding(true)} title="Keep the folder, filters and sort on screen as a smart folder">
            + New
          </button>
        ) : null}
      </div>
      {adding ? (
        <NameForm
          initial=""
          // Private by default with accounts: sharing shows it to everyone.
          initialShared={!rights.accounts}
          rights={rights}
          submitLabel="Save"
          onCancel={() => setAdding(false)}
          onSubmit={(name, shared) => {
            setAdding(false);
            void run({ type: 'add', view: { ...viewFromState(newViewId(name), name, current), shared } });
          }}
        />
      ) : null}
      <ul className="smart-list">
        {views.map((view) =>
          renaming === view.id ? (
            <li key={view.id}>
              <NameForm
                initial={view.name}
                initialShared={isShared(view)}
                rights={rights}
                submitLabel="Rename"
                onCancel={() => setRenaming(null)}
                onSubmit={(name, shared) => {
                  setRenaming(null);
                  if (name !== view.name || shared !== isShared(view)) void run({ type: 'update', id: view.id, changes: { name, shared } });
                }}
              />
            </li>
          ) : (
            <SmartRow
              key={view.id}
              view={view}
              editable={canEdit(view, rights)}
              marked={rights.accounts}
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

interface SmartRowProps {
  view: View;
  /** Rename and delete controls: only for views this person may change. */
  editable: boolean;
  /** Show "Shared" / "Private" (only where sharing means anything). */
  marked: boolean;
  active: boolean;
  onOpen: () => void;
  onRename: () => void;
  onDelete: () => void;
}

function SmartRow({ view, editable, marked, active, onOpen, onRename, onDelete }: SmartRowProps) {
  const clauses = view.filters.length;
  const shared = isShared(view);
  return (
    <li className={`smart-row${active ? ' is-active' : ''}`} data-testid="smart-folder" data-view-id={view.id}>
      <button type="button" className="smart-open" onClick={onOpen} aria-current={active ? 'true' : undefined} title={`${view.path}${clauses ? ` · ${clauses} filter${clauses === 1 ? '' : 's'}` : ''}`}>
        <svg viewBox="0 0 16 16" aria-hidden="true" className="smart-icon">
          <path d="M2 4.5A1.5 1.5 0 013.5 3h3l1.5 1.5h4.5A1.5 1.5 0 0114 6v5.5a1.5 1.5 0 01-1.5 1.5h-9A1.5 1.5 0 012 11.5z" fill="none" stroke="currentColor" strokeWidth="1.3" />
          <path d="M8 6.6l.8 1.6 1.7.2-1.3 1.2.4 1.7L8 10.4l-1.6.9.4-1.7-1.3-1.2 1.7-.2z" fill="currentColor" />
        </svg>
        <span className="smart-name">{view.name}</span>
        {marked ? (
          <span className={`smart-mark${shared ? ' is-shared' : ''}`} title={shared ? 'Everyone sees it; admins change it' : 'Only you see it'}>
            {shared ? 'Shared' : 'Private'}
          </span>
        ) : null}
      </button>
      {editable ? <RowActions name={view.name} onRename={onRename} onDelete={onDelete} /> : null}
    </li>
  );
}

function RowActions({ name, onRename, onDelete }: { name: string; onRename: () => void; onDelete: () => void }) {
  return (
    <span className="smart-actions">
      <button type="button" className="smart-action" onClick={onRename} aria-label={`Rename ${name}`} title="Rename">
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M10.5 3.5l2 2L6 12H4v-2z" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" />
        </svg>
      </button>
      <button type="button" className="smart-action" onClick={onDelete} aria-label={`Delete ${name}`} title="Delete">
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M4.5 4.5l7 7M11.5 4.5l-7 7" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
        </svg>
      </button>
    </span>
  );
}

interface NameFormProps {
  initial: string;
  initialShared: boolean;
  rights: ViewRights;
  submitLabel: string;
  onSubmit: (name: string, shared: boolean) => void;
  onCancel: () => void;
}

function NameForm({ initial, initialShared, rights, submitLabel, onSubmit, onCancel }: NameFormProps) {
  const [name, setName] = useState(initial);
  const [shared, setShared] = useState(initialShared);
  const sharedId = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (trimmed) onSubmit(trimmed.slice(0, 200), shared);
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
      {rights.accounts ? (
        <label className="smart-share" htmlFor={sharedId} title={rights.shared ? 'Everyone sees a shared smart folder' : 'Only admins can share smart folders'}>
          <input id={sharedId} type="checkbox" checked={shared} disabled={!rights.shared} onChange={(e) => setShared(e.target.checked)} />
          Shared
        </label>
      ) : null}
      <button type="submit" className="smart-save" disabled={!name.trim()}>
        {submitLabel}
      </button>
    </form>
  );
}
