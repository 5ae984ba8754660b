import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { DEFAULT_MAX_DISTANCE, DEFAULT_MIN_SCORE, MAX_MAX_DISTANCE, type DuplicateGroup } from '../../../protocol/duplicates.js';
import type { Flag } from '../../../protocol/items.js';
import { formatBytes } from '../../components/format.js';
import { useOptionalSyncEngine } from '../../hooks/sync-context.js';
import { useStoredState } from '../../hooks/use-stored-state.js';
import { useThumb } from '../../hooks/use-thumb.js';
import { type GroupBy, useDuplicates } from './duplicates-api.js';
import { clamp, dupKey, isReviewed, keepPlan, NO_FOCUS, type DupFocus } from './duplicates-keys.js';
import './duplicates.css';

const isDistance = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_MAX_DISTANCE;
/** The similarity slider's range: below 0.8 unrelated images start to group. */
const MIN_SLIDER_SCORE = 0.8;
const isScore = (v: unknown): v is number => typeof v === 'number' && v >= MIN_SLIDER_SCORE && v <= 1;
const isString = (v: unknown): v is string => typeof v === 'string';
/** The stored choice meaning perceptual hashes (an embedding is stored by its name). */
const PHASH = '';

export interface DuplicatesViewProps {
  /** The folder whose subtree is searched. */
  path: string;
  /** The dataset's embeddings: each is offered besides perceptual hashes (DU9). */
  embeddings?: readonly string[];
  /** Opens an item in the viewer. */
  onOpen?(path: string): void;
}

/**
 * "Duplicates" (issue 13): near-duplicate groups under the current folder, one row of thumbnails
 * each, best first. Enter (or K) keeps the focused item, flag pick, and rejects the rest of its
 * group through the normal versioned batch writes; then the next group is focused.
 */
export function DuplicatesView({ path, embeddings = [], onOpen }: DuplicatesViewProps) {
  const [maxDistance, setMaxDistance] = useStoredState<number>('duplicates-distance', DEFAULT_MAX_DISTANCE, isDistance);
  const [minScore, setMinScore] = useStoredState<number>('duplicates-score', DEFAULT_MIN_SCORE, isScore);
  const [chosen, setChosen] = useStoredState<string>('duplicates-by', PHASH, isString);
  // A remembered embedding this dataset does not have falls back to the hashes.
  const embedding = embeddings.includes(chosen) ? chosen : PHASH;
  const by: GroupBy = embedding === PHASH ? { maxDistance } : { embedding, minScore };
  const query = useDuplicates(path, by);
  const engine = useOptionalSyncEngine();
  const { groups } = query;
  const sizes = useMemo(() => groups.map((g) => g.items.length), [groups]);
  const [focusState, setFocus] = useState<DupFocus>(NO_FOCUS);
  const focus = clamp(focusState, sizes);
  const listRef = useRef<HTMLUListElement>(null);

  const keep = useCallback(
    (groupIndex: number, keeper: number) => {
      const group = groups[groupIndex];
      if (!group || !engine) return;
      const plan = keepPlan(group, keeper);
      if (plan.pick.length) engine.edit(plan.pick, { set_flag: 'pick' });
      if (plan.reject.length) engine.edit(plan.reject, { set_flag: 'reject' });
      setFocus(clamp({ group: groupIndex + 1, item: 0 }, sizes));
    },
    [groups, engine, sizes],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.metaKey || event.ctrlKey || event.altKey) return;
    const action = dupKey(event.key, focus, sizes);
    if (action.kind === 'none') return;
    event.preventDefault();
    if (action.kind === 'move') setFocus(action.focus);
    else keep(action.group, action.keeper);
  };

  useEffect(() => {
    listRef.current?.querySelector(`[data-group="${focus.group}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [focus.group]);

  const data = query.data;
  const reviewed = groups.filter(isReviewed).length;
  return (
    <section className="dups" aria-label="Duplicates">
      <header className="dups-head">
        <h2>Duplicates</h2>
        <span className="dups-summary" aria-live="polite">
          {data ? summary(data.groups.length, reviewed, data.total, data.pending, embedding !== PHASH) : query.isError ? 'Could not load the groups' : 'Looking for duplicates…'}
        </span>
        <span className="dups-controls">
          {embeddings.length > 0 ? (
            <label className="dups-by">
              Group by
              <select className="select" value={embedding} aria-label="Group by" onChange={(e) => setChosen(e.target.value)}>
                <option value={PHASH}>pHash</option>
                {embeddings.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {embedding === PHASH ? (
            <label className="dups-distance">
              Max distance
              <input type="range" min={0} max={MAX_MAX_DISTANCE} value={maxDistance} aria-label="Max distance" onChange={(e) => setMaxDistance(Number(e.target.value))} />
              <output>{maxDistance}</output>
            </label>
          ) : (
            <label className="dups-distance">
              Min similarity
              <input type="range" min={MIN_SLIDER_SCORE} max={1} step={0.01} value={minScore} aria-label="Min similarity" onChange={(e) => setMinScore(Number(e.target.value))} />
              <output>{minScore.toFixed(2)}</output>
            </label>
          )}
        </span>
      </header>
      <p className="dups-hint">
        <kbd>↑</kbd> <kbd>↓</kbd> group · <kbd>←</kbd> <kbd>→</kbd> image · <kbd>Enter</kbd> or <kbd>K</kbd> keep it (pick) and reject the rest
        {engine ? null : <strong> · read only: flags cannot be written here</strong>}
      </p>
      {groups.length === 0 && data ? <p className="dups-empty">{data.pending > 0 ? `No duplicates yet: still ${embedding === PHASH ? 'hashing' : 'reading vectors'}.` : 'No duplicates in this folder.'}</p> : null}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the list takes the keys (one keystroke per group) */}
      <ul className="dups-list" ref={listRef} aria-label="Duplicate groups" tabIndex={0} onKeyDown={onKeyDown}>
        {groups.map((group, g) => (
          <GroupRow key={group.items[0]!.path} group={group} index={g} focusedItem={g === focus.group ? focus.item : -1} bySimilarity={embedding !== PHASH} onFocus={setFocus} onKeep={keep} onOpen={onOpen} />
        ))}
      </ul>
    </section>
  );
}

interface GroupRowProps {
  group: DuplicateGroup;
  index: number;
  /** The focused item's index, or -1 when the row is not focused. */
  focusedItem: number;
  /** Grouped by an embedding: `distance` is a cosine similarity. */
  bySimilarity: boolean;
  onFocus(focus: DupFocus): void;
  onKeep(group: number, keeper: number): void;
  onOpen?(path: string): void;
}

const GroupRow = memo(function GroupRow({ group, index, focusedItem, bySimilarity, onFocus, onKeep, onOpen }: GroupRowProps) {
  const done = isReviewed(group);
  return (
    <li className={`dups-row${focusedItem >= 0 ? ' is-focused' : ''}${done ? ' is-done' : ''}`} data-group={index} aria-label={`Group ${index + 1}: ${group.items.length} images, ${bySimilarity ? `similarity ${group.distance.toFixed(3)}` : `distance ${group.distance}`}`}>
      <div className="dups-row-head">
        <span className="dups-count">{group.items.length} images</span>
        {bySimilarity ? (
          <span className="dups-dist" title="The weakest link: the lowest cosine similarity that holds the group together">
            similarity {group.distance.toFixed(3)}
          </span>
        ) : (
          <span className="dups-dist" title="Largest Hamming distance from the first image">
            distance {group.distance}
          </span>
        )}
        <button type="button" className="dups-keep" aria-label={`Keep the focused image of group ${index + 1} and reject the rest`} onClick={() => onKeep(index, Math.max(focusedItem, 0))}>
          Keep focused, reject rest
        </button>
      </div>
      <div className="dups-items">
        {group.items.map((item, i) => (
          <DupCell
            key={item.path}
            path={item.path}
            name={item.name}
            index={index * 100 + i}
            w={item.w}
            h={item.h}
            size={item.size}
            flag={item.flag ?? null}
            focused={i === focusedItem}
            onClick={() => onFocus({ group: index, item: i })}
            onDoubleClick={() => onOpen?.(item.path)}
          />
        ))}
      </div>
    </li>
  );
});

interface DupCellProps {
  path: string;
  name: string;
  index: number;
  w: number;
  h: number;
  size: number;
  flag: Flag;
  focused: boolean;
  onClick(): void;
  onDoubleClick(): void;
}

const DupCell = memo(function DupCell({ path, name, index, w, h, size, flag, focused, onClick, onDoubleClick }: DupCellProps) {
  const { src } = useThumb(path, index);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the list handles the keys (arrows move this focus); a click only moves it too
    <figure className={`dups-cell${focused ? ' is-focused' : ''}${flag ? ` is-${flag}` : ''}`} title={path} onClick={onClick} onDoubleClick={onDoubleClick}>
      <div className="dups-thumb">{src ? <img src={src} alt={name} draggable={false} /> : null}</div>
      {flag ? (
        <span className={`dups-flag is-${flag}`} role="img" aria-label={flag === 'pick' ? 'Picked' : 'Rejected'}>
          {flag === 'pick' ? 'Pick' : 'Reject'}
        </span>
      ) : null}
      <figcaption>
        <span className="dups-name">{name}</span>
        <span className="dups-facts">
          {w}×{h} · {formatBytes(size)}
        </span>
      </figcaption>
    </figure>
  );
});

function summary(groups: number, reviewed: number, total: number, pending: number, byEmbedding: boolean): string {
  const head = groups === 1 ? '1 group' : `${groups} groups`;
  const done = reviewed > 0 ? ` · ${reviewed} reviewed` : '';
  const hashing = pending > 0 ? ` · ${byEmbedding ? 'reading vectors' : 'hashing'} ${total - pending}/${total}` : '';
  return `${head}${done}${hashing}`;
}
