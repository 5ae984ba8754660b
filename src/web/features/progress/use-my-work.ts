import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { useCan } from '../../api/auth-api.js';
import { fetchMine, progressKeys } from '../../api/progress-api.js';
import { useStoredState } from '../../hooks/use-stored-state.js';
import { nextInWork } from '../../lib/progress-model.js';

/** How much of my work the sidebar holds: N walks it, the count says how much is left in all. */
const MINE_LIMIT = 500;
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

export interface MyWorkState {
  /** The role labels: only then is there work of one's own (`GET /assignments/mine`). */
  available: boolean;
  open: boolean;
  setOpen: (open: boolean) => void;
  paths: string[];
  total: number;
  failed: boolean;
  /** Where N goes from `current` (the item in the viewer), or null when nothing is left. */
  next: (current: string | null) => string | null;
}

/**
 * My unlabeled assigned items (PW3), shrinking as anyone labels them (the refetch of
 * use-progress-live.ts). The shell owns it, so `N` can follow it while it is open.
 */
export function useMyWork(): MyWorkState {
  const available = useCan().label;
  const [open, setOpen] = useStoredState('my-work-open', false, isBool);
  const mine = useQuery({ queryKey: progressKeys.mine, queryFn: ({ signal }) => fetchMine(MINE_LIMIT, signal), enabled: available, staleTime: 60_000, retry: false });
  const items = mine.data?.items;
  const list = useMemo(() => items?.map((i) => i.path) ?? [], [items]);
  const next = useCallback((current: string | null) => nextInWork(list, current), [list]);
  const total = mine.data?.total ?? 0;
  const failed = mine.isError;
  // One object while nothing in it changes: the shell re-renders on every viewer step, My work need not.
  return useMemo(() => ({ available, open, setOpen, paths: list, total, failed, next }), [available, open, setOpen, list, total, failed, next]);
}
