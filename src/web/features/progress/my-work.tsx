import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { baseName, parentPath } from '../../../protocol/paths.js';
import { useCan } from '../../api/auth-api.js';
import { fetchMine, progressKeys } from '../../api/progress-api.js';
import { formatCount } from '../../components/format.js';
import { useStoredState } from '../../hooks/use-stored-state.js';
import { isTypingTarget } from '../../lib/keymap.js';
import { isNextKey, nextInWork } from '../../lib/progress-model.js';

/** How much of my work the sidebar holds: N walks it, the count says how much is left in all. */
const MINE_LIMIT = 500;
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

export interface MyWorkProps {
  /** The item open in the viewer (where N goes on from). */
  current: string | null;
  onOpenItem: (path: string) => void;
}

/**
 * "My work": the items assigned to me that are not labeled yet, in path order, shrinking live as
 * anyone labels them. While it is open, `N` opens the next one. Hidden for roles that do not
 * label, and while nothing is assigned (unless open, where it says so).
 */
export function MyWork({ current, onOpenItem }: MyWorkProps) {
  const canLabel = useCan().label;
  const [open, setOpen] = useStoredState('my-work-open', false, isBool);
  const mine = useQuery({ queryKey: progressKeys.mine, queryFn: ({ signal }) => fetchMine(MINE_LIMIT, signal), enabled: canLabel, staleTime: 60_000, retry: false });
  const items = mine.data?.items ?? [];
  const total = mine.data?.total ?? 0;
  const paths = items.map((i) => i.path);
  const latest = useRef({ paths, current, onOpenItem });
  latest.current = { paths, current, onOpenItem };

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || !isNextKey(e) || isTypingTarget(e.target as HTMLElement)) return;
      const { paths, current, onOpenItem } = latest.current;
      const next = nextInWork(paths, current);
      if (!next) return;
      e.preventDefault();
      onOpenItem(next);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  if (!canLabel || (!open && total === 0)) return null;
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
          <p className="my-work-empty">{mine.isError ? 'Couldn’t load your work.' : 'Nothing left: everything assigned to you is labeled.'}</p>
        ) : (
          <>
            <ol className="my-work-list" aria-label="My unlabeled items">
              {items.slice(0, 50).map((item) => (
                <li key={item.path}>
                  <button
                    type="button"
                    className={`my-work-item${item.path === current ? ' is-current' : ''}`}
                    aria-current={item.path === current ? 'true' : undefined}
                    onClick={() => onOpenItem(item.path)}
                    title={item.path}
                    data-path={item.path}
                  >
                    <span className="my-work-name">{baseName(item.path)}</span>
                    <span className="my-work-folder">{parentPath(item.path)}</span>
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
