import { memo } from 'react';
import { useThumb } from '../../hooks/use-thumb.js';
import { claimText } from '../../lib/claims.js';

export interface ThumbnailCellProps {
  index: number;
  /** Null while the item's window is still loading: a placeholder of the right size. */
  path: string | null;
  name: string;
  left: number;
  width: number;
  height: number;
  selected: boolean;
  focused: boolean;
  square: boolean;
  /** 1–5, or 0 for unrated: room for label overlays without new object props. */
  star: number;
  /** 'pick', 'reject', or '' when unflagged (a string, so the memo still compares primitives). */
  flag: string;
  /** The item's tags joined by TAG_SEPARATOR (a string, so the memo still compares primitives). */
  tags: string;
  /** The sort metric's value, formatted ('' when not sorting by a metric or the item lacks it). */
  metric?: string;
  /** Who else has this item open, joined by TAG_SEPARATOR ('' for nobody): a soft claim, nothing is locked. */
  claimedBy?: string;
}

export const TAG_SEPARATOR = '\u001f';
const MAX_CELL_TAGS = 3;

/**
 * One grid cell. Hoisted and memoized with primitive props only: a component defined during
 * render, or an object prop, would remount or re-render every cell on every scroll frame.
 * Clicks are handled by the grid through `data-index` (event delegation).
 */
export const ThumbnailCell = memo(function ThumbnailCell({ index, path, name, left, width, height, selected, focused, square, star, flag, tags, metric = '', claimedBy = '' }: ThumbnailCellProps) {
  const { src, failed, instant } = useThumb(path, index);
  const tagList = tags ? tags.split(TAG_SEPARATOR) : [];
  const className = `cell${selected ? ' is-selected' : ''}${focused ? ' is-focused' : ''}${square ? ' is-square' : ''}${flag === 'reject' ? ' is-rejected' : ''}`;
  return (
    // biome-ignore lint/a11y/useFocusableInteractive lint/a11y/useSemanticElements: a virtualized ARIA grid: rows are absolutely positioned, so no <table>; focus stays on the grid, whose keys the keymap handles
    <div
      className={className}
      data-index={index}
      data-path={path ?? undefined}
      role="gridcell"
      aria-selected={selected}
      aria-label={name || undefined}
      title={name || undefined}
      style={{ left, width, height }}
    >
      {src ? <img className={instant ? 'cell-img' : 'cell-img is-fresh'} src={src} alt="" draggable={false} decoding="async" /> : null}
      {failed ? <span className="cell-broken" aria-hidden="true">!</span> : null}
      {star > 0 || flag ? (
        <span className="cell-badges">
          {flag === 'pick' ? (
            <span className="cell-flag is-pick" role="img" aria-label="Pick" data-testid="cell-flag">
              ✓
            </span>
          ) : flag === 'reject' ? (
            <span className="cell-flag is-reject" role="img" aria-label="Reject" data-testid="cell-flag">
              ✕
            </span>
          ) : null}
          {star > 0 ? (
            <span className="cell-badge" role="img" aria-label={`${star} stars`}>
              {'★'.repeat(star)}
            </span>
          ) : null}
        </span>
      ) : null}
      {tagList.length ? (
        <span className="cell-tags" role="img" aria-label={`Tags: ${tagList.join(', ')}`}>
          {tagList.slice(0, MAX_CELL_TAGS).map((t) => (
            <span key={t} className="cell-tag">
              {t}
            </span>
          ))}
          {tagList.length > MAX_CELL_TAGS ? <span className="cell-tag is-more">+{tagList.length - MAX_CELL_TAGS}</span> : null}
        </span>
      ) : null}
      {metric ? (
        <span className="cell-metric" data-testid="cell-metric">
          {metric}
        </span>
      ) : null}
      {claimedBy ? <ClaimBadge names={claimedBy.split(TAG_SEPARATOR)} /> : null}
      <span className="cell-name">{name}</span>
      {selected ? <span className="cell-check" aria-hidden="true" /> : null}
    </div>
  );
});

function ClaimBadge({ names }: { names: string[] }) {
  const text = claimText(names);
  return (
    <span className="cell-claim" role="img" aria-label={text} title={text} data-testid="cell-claim">
      <span className="cell-claim-dot" aria-hidden="true" />
      {names[0]}
      {names.length > 1 ? ` +${names.length - 1}` : ''}
    </span>
  );
}
