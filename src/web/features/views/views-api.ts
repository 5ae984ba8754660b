import { viewsDocumentSchema, type View, type ViewsDocument } from '../../../protocol/views.js';
import { ApiError, requestJson } from '../../api/http-client.js';
import { applyViewEdit, type ViewEdit } from './views-merge.js';

export function fetchViews(signal?: AbortSignal): Promise<ViewsDocument> {
  return requestJson('/views', viewsDocumentSchema, { signal });
}

export type PutOutcome = { ok: true; doc: ViewsDocument } | { ok: false; current: ViewsDocument };

type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** `PUT /views` based on `version`; a 409 hands back the server's current list. */
export async function putViews(views: View[], version: number, key: string, fetchFn: FetchLike = (u, i) => fetch(u, i)): Promise<PutOutcome> {
  const response = await fetchFn('/views', {
    method: 'PUT',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'if-match': `"${version}"`, 'idempotency-key': key },
    body: JSON.stringify({ views }),
  });
  const body: unknown = await response.json().catch(() => null);
  if (response.status === 409) {
    const current = viewsDocumentSchema.safeParse((body as { current?: unknown } | null)?.current);
    if (current.success) return { ok: false, current: current.data };
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `PUT /views failed (${response.status})`);
  }
  return { ok: true, doc: viewsDocumentSchema.parse(body) };
}

export const MAX_VIEW_ATTEMPTS = 5;

/**
 * Saves one edit: PUT the edited list based on `base`; on 409, re-apply the edit onto the list the
 * server answered with and try again (a fresh Idempotency-Key per attempt, since the body changes).
 */
export async function saveViewEdit(base: ViewsDocument, edit: ViewEdit, makeKey: () => string, fetchFn?: FetchLike): Promise<ViewsDocument> {
  let doc = base;
  for (let attempt = 0; attempt < MAX_VIEW_ATTEMPTS; attempt++) {
    const outcome = await putViews(applyViewEdit(doc.views, edit), doc.version, makeKey(), fetchFn);
    if (outcome.ok) return outcome.doc;
    doc = outcome.current;
  }
  throw new ApiError(409, 'version_conflict', 'smart folders kept changing underneath; try again');
}
