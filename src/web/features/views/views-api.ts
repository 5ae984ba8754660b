import { errorBodySchema } from '../../../protocol/errors.js';
import { viewsConflictBodySchema, viewsDocumentSchema, type View, type ViewsDocument } from '../../../protocol/views.js';
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
    const conflict = viewsConflictBodySchema.safeParse(body);
    if (conflict.success) return { ok: false, current: conflict.data.current };
  }
  if (!response.ok) {
    const error = errorBodySchema.safeParse(body);
    if (error.success) throw new ApiError(response.status, error.data.error.code, error.data.error.message, error.data.error.details);
    throw new ApiError(response.status, 'http_error', `PUT /views failed (${response.status})`);
  }
  const doc = viewsDocumentSchema.safeParse(body);
  if (!doc.success) throw new ApiError(response.status, 'invalid_response', `PUT /views: response does not match the protocol: ${doc.error.message}`);
  return { ok: true, doc: doc.data };
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
