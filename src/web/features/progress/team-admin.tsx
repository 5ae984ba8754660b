import { useEffect, useId, useState, type FormEvent } from 'react';
import type { LabeledRule } from '../../../protocol/progress.js';
import { assignmentOf, parsePeople, ruleChoice, withPeople, type AssignScope } from '../../lib/assignments.js';
import { newAssignmentId, useAssignments, useSettings } from './use-team-documents.js';

const failed = (e: unknown) => (e as Error)?.message || 'Couldn’t save';

/**
 * Admins: who this folder or smart folder is assigned to (names added and removed one by one),
 * and what counts as labeled in the whole dataset. Both are versioned documents: a change made
 * elsewhere meanwhile is kept, the edit re-applied onto it.
 */
export function TeamAdmin({ scope, scopeName }: { scope: AssignScope; scopeName: string }) {
  const assignments = useAssignments(true);
  const [draft, setDraft] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const current = assignments.doc ? assignmentOf(assignments.doc.assignments, scope) : undefined;
  const what = scope.kind === 'view' ? 'smart folder' : 'folder';

  const change = (people: string[], remove: boolean) =>
    assignments.edit((list) => withPeople(list, scope, people, newAssignmentId(), remove)).then(
      () => setFailure(null),
      (e: unknown) => setFailure(failed(e)),
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const people = parsePeople(draft);
    if (!people.length) return;
    setDraft('');
    void change(people, false);
  };

  return (
    <div className="pg-admin" data-testid="team-admin">
      <p className="pg-admin-what">
        {current ? `This ${what} is split between:` : `Nobody is assigned to this ${what}.`}
      </p>
      {current ? (
        <ul className="pg-assignees" aria-label={`Assigned to ${scopeName}`}>
          {current.people.map((p) => (
            <li key={p} className="pg-assignee">
              <span>{p}</span>
              <button type="button" className="pg-assignee-remove" aria-label={`Unassign ${p}`} title="Unassign" onClick={() => void change([p], true)}>
                <svg viewBox="0 0 16 16" aria-hidden="true">
                  <path d="M4.5 4.5l7 7M11.5 4.5l-7 7" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
                </svg>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="pg-assign-form" onSubmit={submit} aria-label={`Assign ${scopeName}`} data-keyboard-scope>
        <input aria-label="People to assign" className="pg-input" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="Names, comma separated" maxLength={2000} />
        <button type="submit" className="pg-button" disabled={!parsePeople(draft).length}>
          Assign
        </button>
      </form>
      {assignments.error ? <p className="pg-error">Couldn’t load the assignments.</p> : null}
      {failure ? (
        <p className="pg-error" role="alert">
          {failure}
        </p>
      ) : null}
      <LabeledSetting />
    </div>
  );
}

function LabeledSetting() {
  const settings = useSettings(true);
  const held = settings.doc ? ruleChoice(settings.doc.labeled) : null;
  // "A tag…" chosen but no tag set yet: the name field shows before anything is saved.
  const [choosingTag, setChoosingTag] = useState(false);
  const [tag, setTag] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const ruleId = useId();
  useEffect(() => {
    if (held?.choice === 'tag') setTag(held.tag);
  }, [held?.choice, held?.tag]);

  const save = (rule: LabeledRule) =>
    void settings.set(rule).then(
      () => {
        setFailure(null);
        setChoosingTag(false);
      },
      (e: unknown) => setFailure(failed(e)),
    );
  const showTag = choosingTag || held?.choice === 'tag';

  return (
    <div className="pg-setting">
      <label htmlFor={ruleId} className="pg-setting-label">
        Counts as labeled
      </label>
      <div className="pg-setting-row">
        <select
          id={ruleId}
          className="pg-select"
          value={choosingTag ? 'tag' : (held?.choice ?? 'any')}
          disabled={!held}
          onChange={(e) => {
            const choice = e.target.value;
            if (choice === 'tag') setChoosingTag(true);
            else save(choice as LabeledRule);
          }}
        >
          <option value="any">Any label</option>
          <option value="star">A star</option>
          <option value="flag">A flag</option>
          <option value="tag">A tag…</option>
        </select>
        {showTag ? (
          <form
            className="pg-setting-tag"
            data-keyboard-scope
            onSubmit={(e) => {
              e.preventDefault();
              if (tag.trim()) save(`tag:${tag.trim()}`);
            }}
          >
            <input className="pg-input" aria-label="Tag that counts as labeled" value={tag} onChange={(e) => setTag(e.target.value)} placeholder="tag" maxLength={200} />
            <button type="submit" className="pg-button" disabled={!tag.trim()}>
              Set
            </button>
          </form>
        ) : null}
      </div>
      {failure ? (
        <p className="pg-error" role="alert">
          {failure}
        </p>
      ) : null}
    </div>
  );
}
