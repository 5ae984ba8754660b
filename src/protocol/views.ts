import * as z from 'zod';
import { embeddingNameSchema } from './embeddings.js';
import { versionConflictErrorSchema } from './errors.js';
import { filtersSchema, querySortSchema } from './query.js';

/**
 * Smart folders: saved queries (scope + filters + sort). The whole list is one versioned document:
 * `PUT /views` carries the version it was based on (`If-Match`), and a stale write gets 409 with the
 * current list instead of silently replacing someone else's views. Each caller sees (in `GET`, in
 * a 409's `current`) and writes only the views visible to them: the shared ones and their own
 * private ones; `PUT` leaves the others untouched. The version is one for the whole document.
 */
export const viewSchema = z
  .object({
    id: z.string().min(1).max(200),
    name: z.string().min(1).max(500),
    path: z.string().default('/'),
    recursive: z.boolean().default(true),
    filters: filtersSchema.default([]),
    sort: querySortSchema.optional(),
    /**
     * "Find similar" (issue 13): the view lists its scope, filtered, ordered by similarity to this
     * item in this embedding (`POST /similar`) instead of by `sort`. Absent: an ordinary view.
     */
    similar: z.object({ path: z.string().min(1), embedding: embeddingNameSchema }).strict().optional(),
    /** The metric the histogram panel shows for this view (read when `metrics` is absent). */
    metric: z.string().optional(),
    /** The metrics panel's cards, in order: display only, never a filter. */
    metrics: z.array(z.string().min(1).max(500)).max(100).optional(),
    /**
     * Who made it (a user's name); null for views made before accounts, which count as shared.
     * The server stamps it: a value a client sends is ignored.
     */
    owner: z.string().max(200).nullable().optional(),
    /**
     * Shared views are seen by everyone and changed by admins; private ones (false) are seen and
     * changed by their owner only. Absent on a new view: shared when an admin makes it. Absent on
     * an existing view: unchanged. The server always sends both fields.
     */
    shared: z.boolean().optional(),
  })
  .strict();
export type View = z.infer<typeof viewSchema>;

export const MAX_VIEWS = 1000;
export const viewsDocumentSchema = z.object({
  version: z.number().int().min(0),
  views: z.array(viewSchema).max(MAX_VIEWS),
});
export type ViewsDocument = z.infer<typeof viewsDocumentSchema>;

/** `version` in the body may stand in for `If-Match`; when both are given they must agree. */
export const putViewsBodySchema = z
  .object({ version: z.number().int().min(0).optional(), views: z.array(viewSchema).max(MAX_VIEWS) })
  .strict();
export type PutViewsBody = z.infer<typeof putViewsBodySchema>;

/** A stale `PUT /views` (409): the current document, to re-apply the edit onto. */
export const viewsConflictBodySchema = z.object({ error: versionConflictErrorSchema, current: viewsDocumentSchema });
export type ViewsConflictBody = z.infer<typeof viewsConflictBodySchema>;
