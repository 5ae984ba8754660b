import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { Assignment, AssignmentsDocument, LabeledRule, SettingsDocument } from '../../../protocol/progress.js';
import { fetchAssignments, fetchSettings, progressKeys, saveAssignments, saveSettings } from '../../api/progress-api.js';

function makeKey(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Keeps the newer of what we hold and what a save answered (an event may have refetched already). */
function keepNewer<D extends { version: number }>(held: D | undefined, doc: D): D {
  return held && held.version > doc.version ? held : doc;
}

/** The assignments (admins): refetched on `assignments-updated`; an edit is re-applied after a 409. */
export function useAssignments(enabled: boolean) {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: progressKeys.assignments, queryFn: ({ signal }) => fetchAssignments(signal), staleTime: 0, enabled, retry: false });
  const edit = useCallback(
    async (change: (list: readonly Assignment[]) => Assignment[]) => {
      const base = queryClient.getQueryData<AssignmentsDocument>(progressKeys.assignments) ?? (await fetchAssignments());
      const doc = await saveAssignments(base, change, makeKey);
      queryClient.setQueryData<AssignmentsDocument>(progressKeys.assignments, (held) => keepNewer(held, doc));
      return doc;
    },
    [queryClient],
  );
  return { doc: query.data, error: query.error, edit };
}

/** What counts as labeled (admins): refetched on `settings-updated`. */
export function useSettings(enabled: boolean) {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: progressKeys.settings, queryFn: ({ signal }) => fetchSettings(signal), staleTime: 0, enabled, retry: false });
  const set = useCallback(
    async (labeled: LabeledRule) => {
      const base = queryClient.getQueryData<SettingsDocument>(progressKeys.settings) ?? (await fetchSettings());
      const doc = await saveSettings(base, labeled, makeKey);
      queryClient.setQueryData<SettingsDocument>(progressKeys.settings, (held) => keepNewer(held, doc));
      // Every count depends on the rule: the event refetches too, this is for this tab at once.
      void queryClient.invalidateQueries({ queryKey: progressKeys.statsPrefix });
      return doc;
    },
    [queryClient],
  );
  return { doc: query.data, error: query.error, set };
}

/** A new assignment's id: short, unique enough for one dataset's list. */
export function newAssignmentId(): string {
  return `a-${makeKey().replace(/-/g, '').slice(0, 12)}`;
}
