import * as z from 'zod';
import { versionConflictErrorSchema } from './errors.js';
import { labelChangesSchema } from './history.js';
import { itemSchema } from './items.js';
import { filtersSchema } from './query.js';

/**
 * Team progress and assignments (issue 14): what counts as labeled (a dataset setting), derived
 * stats for a folder or a filtered set, the admins' assignments of folders and smart folders to
 * people, and each person's share of the unlabeled work ("my work"). Settings and assignments are
 * versioned documents like smart folders: `PUT` carries the version it was based on (`If-Match`
 * or `version`) and an Idempotency-Key; a stale one gets 409 with the current document.
 */

export const MAX_TAG_RULE_LENGTH = 200;

/** `any` label (star ≥ 1, a tag, notes or a flag), `star` (≥ 1), `flag` (pick or reject), or `tag:<name>`. */
export const labeledRuleSchema = z.union([
  z.enum(['any', 'star', 'flag']),
  z.string().regex(/^tag:.+$/s, 'expected any, star, flag or tag:<name>').max(MAX_TAG_RULE_LENGTH + 4),
]);
export type LabeledRule = z.infer<typeof labeledRuleSchema>;
export const DEFAULT_LABELED_RULE: LabeledRule = 'any';

export const settingsDocumentSchema = z.object({
  version: z.number().int().min(1),
  labeled: labeledRuleSchema,
});
export type SettingsDocument = z.infer<typeof settingsDocumentSchema>;

/** `version` in the body may stand in for `If-Match`; when both are given they must agree. */
export const putSettingsBodySchema = z.object({ version: z.number().int().min(1).optional(), labeled: labeledRuleSchema }).strict();
export type PutSettingsBody = z.infer<typeof putSettingsBodySchema>;
export const settingsConflictBodySchema = z.object({ error: versionConflictErrorSchema, current: settingsDocumentSchema });

export const MAX_ASSIGNMENTS = 1000;
export const MAX_ASSIGNEES = 100;
export const MAX_PERSON_NAME_LENGTH = 200;

/**
 * A folder (`path`, its whole subtree) or a smart folder (`view`, by id) given to one or more
 * people. The unlabeled items of an assignment shared by several people are split between them
 * by a hash of each item's path: every item belongs to exactly one of them.
 */
export const assignmentSchema = z
  .object({
    id: z.string().min(1).max(200),
    path: z.string().min(1).max(4096).optional(),
    view: z.string().min(1).max(200).optional(),
    people: z.array(z.string().trim().min(1).max(MAX_PERSON_NAME_LENGTH)).min(1).max(MAX_ASSIGNEES),
  })
  .strict()
  .refine((a) => (a.path === undefined) !== (a.view === undefined), 'an assignment names a folder (path) or a smart folder (view), not both');
export type Assignment = z.infer<typeof assignmentSchema>;

export const assignmentsDocumentSchema = z.object({
  version: z.number().int().min(1),
  assignments: z.array(assignmentSchema).max(MAX_ASSIGNMENTS),
});
export type AssignmentsDocument = z.infer<typeof assignmentsDocumentSchema>;

export const putAssignmentsBodySchema = z
  .object({ version: z.number().int().min(1).optional(), assignments: z.array(assignmentSchema).max(MAX_ASSIGNMENTS) })
  .strict();
export type PutAssignmentsBody = z.infer<typeof putAssignmentsBodySchema>;
export const assignmentsConflictBodySchema = z.object({ error: versionConflictErrorSchema, current: assignmentsDocumentSchema });

/** `GET /assignments/mine?offset=&limit=`: the caller's unlabeled assigned items, in path order. */
export const MAX_MINE_LIMIT = 1000;
export const mineResponseSchema = z.object({
  items: z.array(itemSchema),
  total: z.number().int().min(0),
  offset: z.number().int().min(0),
  limit: z.number().int().min(0),
});
export type MineResponse = z.infer<typeof mineResponseSchema>;

/** `POST /stats`: a folder (and its subtree when `recursive`), optionally narrowed by query filters. */
export const statsBodySchema = z
  .object({
    path: z.string().default('/'),
    recursive: z.boolean().default(true),
    filters: filtersSchema.optional(),
  })
  .strict();
export type StatsBody = z.infer<typeof statsBodySchema>;

export const TOP_TAGS = 50;
export const TIMELINE_HOURS = 7 * 24;
const count = z.number().int().min(0);

export const statsResponseSchema = z.object({
  total: count,
  /** Items labeled by the dataset's setting (`GET /settings`). */
  labeled: count,
  /** 0 is unrated (no star, or star 0). */
  by_star: z.object({ 0: count, 1: count, 2: count, 3: count, 4: count, 5: count }),
  by_flag: z.object({ pick: count, reject: count, none: count }),
  /** The TOP_TAGS most used tags, most used first (ties by name). */
  by_tag: z.array(z.object({ tag: z.string(), count })).max(TOP_TAGS),
  /**
   * Per person: `edits` are label writes (from the event log the store still holds at start and
   * every write since), `items` the labeled items whose last write was theirs, `last_at` their
   * newest edit (null when none is held).
   */
  by_user: z.array(z.object({ user: z.string(), edits: count, items: count, last_at: z.string().nullable() })),
  /** TIMELINE_HOURS hourly buckets, oldest first, the last one the current hour (`t` its start). */
  timeline: z.array(z.object({ t: z.string(), edits: count })).length(TIMELINE_HOURS),
});
export type StatsResponse = z.infer<typeof statsResponseSchema>;

/**
 * `GET /activity?path=&recursive=&limit=&before=`: the label writes and moves at or below a
 * folder, newest first, a page at a time; `before` is the `next_before` of the last page (null:
 * nothing older is held). `user` is the writer as stored (`updated_by`), `changes` what the
 * write changed as `GET /item/history` gives it.
 */
export const MAX_ACTIVITY_LIMIT = 200;
export const activityEntrySchema = z.object({
  /** The event id (the SSE `id:` of the live event). */
  id: z.number().int(),
  /** `moved`: the item's labels followed its file from `changes.moved.from` to `path`. */
  kind: z.enum(['updated', 'moved']),
  path: z.string(),
  user: z.string(),
  at: z.string(),
  version: z.number().int(),
  changes: labelChangesSchema,
});
export type ActivityEntry = z.infer<typeof activityEntrySchema>;
export const activityResponseSchema = z.object({
  entries: z.array(activityEntrySchema),
  next_before: z.number().int().nullable(),
});
export type ActivityResponse = z.infer<typeof activityResponseSchema>;

/** `GET /stats/export?format=csv[&path=]`: one row per person and day (UTC) with edits. */
export const STATS_EXPORT_COLUMNS = ['date', 'user', 'edits', 'items'] as const;

export const settingsUpdatedSchema = z.object({ version: z.number().int() });
export const assignmentsUpdatedSchema = z.object({ version: z.number().int() });
