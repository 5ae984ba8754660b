import type { Flag } from '../../../protocol/items.js';
import type { LabelOps, LabelState } from '../../api/sync/label-ops.js';
import type { ConflictField } from '../../api/sync/rebase.js';

export interface ConflictBannerProps {
  fields: ConflictField[];
  current: LabelState | undefined;
  mine: LabelOps | undefined;
  onApplyMine: () => void;
  onKeepTheirs: () => void;
}

const FIELD_NAMES: Record<ConflictField, string> = { star: 'rating', flag: 'flag', notes: 'notes', tags: 'tags' };
const FLAG_WORDS = { pick: 'Pick', reject: 'Reject' } as const;
const flagWord = (f: Flag | undefined) => (f ? FLAG_WORDS[f] : 'No flag');
const stars = (n: number | null | undefined) => (n ? '★'.repeat(n) : 'No rating');

function list(fields: ConflictField[]): string {
  const names = fields.map((f) => FIELD_NAMES[f]);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'labels');
}

/** Stays until the user picks: someone saved a different value for a field I changed too. */
export function ConflictBanner({ fields, current, mine, onApplyMine, onKeepTheirs }: ConflictBannerProps) {
  return (
    <div className="conflict" role="alert" data-testid="conflict">
      <div className="conflict-title">
        <span className="conflict-icon" aria-hidden="true">!</span>
        Newer change detected
      </div>
      <p className="conflict-text">Someone else changed the {list(fields)} while you were editing.</p>
      <dl className="conflict-diff">
        {fields.includes('star') ? (
          <>
            <dt>Theirs</dt>
            <dd className="conflict-stars">{stars(current?.star)}</dd>
            <dt>Yours</dt>
            <dd className="conflict-stars">{stars(mine?.set_star)}</dd>
          </>
        ) : null}
        {fields.includes('flag') ? (
          <>
            <dt>Theirs</dt>
            <dd>{flagWord(current?.flag)}</dd>
            <dt>Yours</dt>
            <dd>{flagWord(mine?.set_flag)}</dd>
          </>
        ) : null}
        {fields.includes('notes') ? (
          <>
            <dt>Theirs</dt>
            <dd className="conflict-notes">{current?.notes || <em>empty</em>}</dd>
            <dt>Yours</dt>
            <dd className="conflict-notes">{mine?.set_notes || <em>empty</em>}</dd>
          </>
        ) : null}
        {fields.includes('tags') ? (
          <>
            <dt>Theirs</dt>
            <dd>{current?.tags.join(', ') || <em>none</em>}</dd>
            <dt>Yours</dt>
            <dd>{mine?.set_tags?.join(', ') || <em>none</em>}</dd>
          </>
        ) : null}
      </dl>
      <div className="conflict-actions">
        <button type="button" className="btn btn-primary" onClick={onApplyMine}>
          Apply my changes again
        </button>
        <button type="button" className="btn" onClick={onKeepTheirs}>
          Keep theirs
        </button>
      </div>
    </div>
  );
}
