import type { z } from 'zod';
import { errorBodySchema } from '../../protocol/errors.js';
import {
  activityResponseSchema,
  assignmentsConflictBodySchema,
  assignmentsDocumentSchema,
  mineResponseSchema,
  settingsConflictBodySchema,
  settingsDocumentSchema,
  statsResponseSchema,
  type ActivityResponse,
  type Assignment,
  type AssignmentsDocument,
  type LabeledRule,
  type MineResponse,
  type SettingsDocument,
  type StatsResponse,
} from '../../protocol/progress.js';
import type { Filter } from '../../protocol/query.js';
import { ApiError, requestJson } from './http-client.js';

/** Query keys of issue 14; `['progress']` addresses them all. */
export const progressKeys = {
  all: ['progress'] as const,
  stats: (path: string, recursive: boolean, filters: string) => ['progress', 'stats', path, recursive, filters] as const,
  statsPrefix: ['progress', 'stats'] as const,
  daily: (path: string) => ['progress', 'daily', path] as const,
  mine: ['progress', 'mine'] as const,
  settings: ['progress', 'settings'] as const,
  assignments: ['progress', 'assignments'] as const,
  activity: (path: string) => ['progress', 'activity', path] as const,
};

/** Entries per page of the activity feed. */
export const ACTIVITY_PAGE = 30;

/** `GET /activity`: the label writes and moves at or below `path`, newest first, older than `before`. */
export function fetchActivity(path: string, before: number | null, signal?: AbortSignal): Promise<ActivityResponse> {
  return requestJson('/activity', activityResponseSchema, { query: { path, limit: ACTIVITY_PAGE, ...(before === null ? {} : { before }) }, signal });
}

/**
 * The activity feed's pages, newest first ("Show more" asks for the next). The first page is
 * what happened before the page opened; live events are merged on top of it (useProgressLive),
 * so it is not refetched on each event, only when a folder is shown again after a minute.
 */
export function activityQuery(path: string) {
  return {
    queryKey: progressKeys.activity(path),
    queryFn: ({ pageParam, signal }: { pageParam: number | null; signal: AbortSignal }) => fetchActivity(path, pageParam, signal),
    initialPageParam: null as number | null,
    getNextPageParam: (last: ActivityResponse) => last.next_before,
    staleTime: 60_000,
    retry: false,
  };
}

export function fetchStats(path: string, recursive: boolean, filters: readonly Filter[] | undefined, signal?: AbortSignal): Promise<StatsResponse> {
  return requestJson('/stats', statsResponseSchema, { method: 'POST', body: { path, recursive, ...(filters?.length ? { filters } : {}) }, signal });
}

/** `GET /assignments/mine`: the first `limit` of the caller's unlabeled assigned items, in path order. */
export function fetchMine(limit: number, signal?: AbortSignal): Promise<MineResponse> {
  return requestJson('/assignments/mine', mineResponseSchema, { query: { offset: 0, limit }, signal });
}

export function fetchSettings(signal?: AbortSignal): Promise<SettingsDocument> {
  return requestJson('/settings', settingsDocumentSchema, { signal });
}

export function fetchAssignments(signal?: AbortSignal): Promise<AssignmentsDocument> {
  return requestJson('/assignments', assignmentsDocumentSchema, { signal });
}

/** One row of `GET /stats/export?format=csv`: label writes of one person on one UTC day. */
export interface DailyRow {
  date: string;
  user: string;
  edits: number;
  items: number;
}

export async function fetchDaily(path: string, signal?: AbortSignal): Promise<DailyRow[]> {
  const params = new URLSearchParams({ format: 'csv', path });
  const response = await fetch(`/stats/export?${params}`, { headers: { accept: 'text/csv' }, signal });
  if (!response.ok) throw new ApiError(response.status, 'http_error', `GET /stats/export failed (${response.status})`);
  return parseDailyCsv(await response.text());
}

/** The export's CSV (`date,user,edits,items`, cells quoted when they hold a comma, quote or newline). */
export function parseDailyCsv(text: string): DailyRow[] {
  const rows = parseCsv(text);
  const head = rows.shift() ?? [];
  const at = (name: string) => head.indexOf(name);
  const [date, user, edits, items] = [at('date'), at('user'), at('edits'), at('items')];
  if (date < 0 || user < 0 || edits < 0) return [];
  return rows
    .filter((r) => r.length >= head.length)
    .map((r) => ({ date: r[date]!, user: r[user]!, edits: Number(r[edits]) || 0, items: items >= 0 ? Number(r[items]) || 0 : 0 }));
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

type FetchLike = (url: string, init: RequestInit) => Promise<Response>;
const browserFetch: FetchLike = (u, i) => fetch(u, i);

type PutOutcome<D> = { ok: true; doc: D } | { ok: false; current: D };

/** `PUT` of a versioned document based on `version`; a 409 hands back the server's current one. */
async function putDocument<D>(
  url: string,
  body: object,
  version: number,
  key: string,
  schemas: { doc: z.ZodType<D>; conflict: z.ZodType<{ current: D }> },
  fetchFn: FetchLike,
): Promise<PutOutcome<D>> {
  const response = await fetchFn(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'if-match': `"${version}"`, 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  const json: unknown = await response.json().catch(() => null);
  if (response.status === 409) {
    const conflict = schemas.conflict.safeParse(json);
    if (conflict.success) return { ok: false, current: conflict.data.current };
  }
  if (!response.ok) {
    const error = errorBodySchema.safeParse(json);
    if (error.success) throw new ApiError(response.status, error.data.error.code, error.data.error.message, error.data.error.details);
    throw new ApiError(response.status, 'http_error', `PUT ${url} failed (${response.status})`);
  }
  const doc = schemas.doc.safeParse(json);
  if (!doc.success) throw new ApiError(response.status, 'invalid_response', `PUT ${url}: response does not match the protocol`);
  return { ok: true, doc: doc.data };
}

export const MAX_DOCUMENT_ATTEMPTS = 5;

/**
 * Saves one edit of a versioned document as smart folders do: PUT the edited document based on
 * the version held; on 409 re-apply the edit onto the document the server answered with and try
 * again, with a fresh Idempotency-Key (the body changed).
 */
async function saveEdit<D extends { version: number }, B extends object>(
  url: string,
  base: D,
  apply: (doc: D) => B,
  makeKey: () => string,
  schemas: { doc: z.ZodType<D>; conflict: z.ZodType<{ current: D }> },
  fetchFn: FetchLike,
): Promise<D> {
  let doc = base;
  for (let attempt = 0; attempt < MAX_DOCUMENT_ATTEMPTS; attempt++) {
    const outcome = await putDocument(url, apply(doc), doc.version, makeKey(), schemas, fetchFn);
    if (outcome.ok) return outcome.doc;
    doc = outcome.current;
  }
  throw new ApiError(409, 'version_conflict', `${url.slice(1)} kept changing underneath; try again`);
}

export function saveAssignments(
  base: AssignmentsDocument,
  edit: (list: readonly Assignment[]) => Assignment[],
  makeKey: () => string,
  fetchFn: FetchLike = browserFetch,
): Promise<AssignmentsDocument> {
  return saveEdit('/assignments', base, (doc) => ({ assignments: edit(doc.assignments) }), makeKey, { doc: assignmentsDocumentSchema, conflict: assignmentsConflictBodySchema }, fetchFn);
}

export function saveSettings(base: SettingsDocument, labeled: LabeledRule, makeKey: () => string, fetchFn: FetchLike = browserFetch): Promise<SettingsDocument> {
  return saveEdit('/settings', base, () => ({ labeled }), makeKey, { doc: settingsDocumentSchema, conflict: settingsConflictBodySchema }, fetchFn);
}

/**
 * `POST /stats` of a folder (with its subtree when `recursive`), narrowed by filter clauses. Kept
 * until an event says it changed (hooks/use-progress-live.ts), never polled.
 */
export function statsQuery(path: string, recursive: boolean, filters: readonly Filter[] = []) {
  const key = filters.length ? JSON.stringify(filters) : '';
  return {
    queryKey: progressKeys.stats(path, recursive, key),
    queryFn: ({ signal }: { signal: AbortSignal }) => fetchStats(path, recursive, filters, signal),
    staleTime: 5 * 60_000,
    // A server without stats (older, or the route refused) shows no bar rather than retrying.
    retry: false,
  };
}
