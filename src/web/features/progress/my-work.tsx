import { baseName, parentPath } from '../../../protocol/paths.js';
import { formatCount } from '../../components/format.js';
import type { MyWorkState } from './use-my-work.js';

export interface MyWorkProps {
  work: MyWorkState;
  /** The item open in the viewer (highlighted in the list). */
  current: string | null;
  onOpenItem: (path: string) => void;
}

/**
 * "My work": the items assigned to me that are not labeled yet, in path order, shrinking live as
 * anyone labels them. While it is open, `N` opens the next one. Hidden for roles that do not
 * label, and while nothing is assigned (unless open, where it says so).
 */
export function MyWork({ work, current, onOpenItem }: MyWorkProps) {
  const { open, setOpen, total } = work;
  if (!work.available || (!open && total === 0)) return null;
  return (
    <section className="my-work" aria-label="My work" data-testid="my-work">
      <button type="button" className="my-work-head" aria-expanded={open} aria-label={`My work: ${total} left`} onClick={() => setOpen(!open)}>
        <svg className={`my-work-twisty${open ? ' is-open' : ''}`} viewBox="0 0 16 16" aria-hidden="true">
          <path d="M6 4l4 4-4 4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <span className="my-work-title">My work</span>
        <span className="my-work-count" data-testid="my-work-count">
          {formatCount(total)}
        </span>
      </button>
      {open ? (
        total === 0 ? (
          <p className="my-work-empty">{work.failed ? 'Couldn’t load your work.' : 'Nothing left: everything assigned to you is labeled.'}</p>
        ) : (
          <>
            <ol className="my-work-list" aria-label="My unlabeled items">
              {work.paths.slice(0, 50).map((path) => (
                <li key={path}>
                  <button
                    type="button"
                    className={`my-work-item${path === current ? ' is-current' : ''}`}
                    aria-current={path === current ? 'true' : undefined}
                    onClick={() => onOpenItem(path)}
                    title={path}
                    data-path={path}
                  >
                    <span className="my-work-name">{baseName(path)}</span>
                    <span className="my-work-folder">{parentPath(path)}</span>
                  </button>
                </li>
              ))}
            </ol>
            <p className="my-work-hint">
              <kbd>N</kbd> opens the next one
            </p>
          </>
        )
      ) : null}
    </section>
  );
}
