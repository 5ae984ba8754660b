import { memo } from 'react';
import { useThumb } from './thumbs.js';

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
}

/**
 * One grid cell. Hoisted and memoized with primitive props only: a component defined during
 * render, or an object prop, would remount or re-render every cell on every scroll frame.
 * Clicks are handled by the grid through `data-index` (event delegation).
 */
export const ThumbnailCell = memo(function ThumbnailCell({ index, path, name, left, width, height, selected, focused, square, star }: ThumbnailCellProps) {
  const { src, failed } = useThumb(path, index);
  const className = `cell${selected ? ' is-selected' : ''}${focused ? ' is-focused' : ''}${square ? ' is-square' : ''}`;
  return (
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
      {src ? <img className="cell-img" src={src} alt="" draggable={false} decoding="async" /> : null}
      {failed ? <span className="cell-broken" aria-hidden="true">!</span> : null}
      {star > 0 ? (
        <span className="cell-badge" aria-label={`${star} stars`}>
          {'★'.repeat(star)}
        </span>
      ) : null}
      <span className="cell-name">{name}</span>
      {selected ? <span className="cell-check" aria-hidden="true" /> : null}
    </div>
  );
});
