import * as z from 'zod';
import { flagSchema, metricsSchema, starSchema } from './items.js';
import { presenceCountsSchema } from './presence.js';
import { assignmentsUpdatedSchema, settingsUpdatedSchema } from './progress.js';

/**
 * Server-Sent Events on `GET /events`. Each event's SSE `id:` is its global, strictly increasing
 * event id (the change-log clock), so `Last-Event-ID` resumes exactly where a client left off.
 * Names and payloads follow the collaboration spec; `views-updated` and `resync` are our additions.
 */
export const itemUpdatedSchema = z.object({
  path: z.string(),
  version: z.number().int(),
  tags: z.array(z.string()),
  notes: z.string(),
  star: starSchema,
  /** Absent in events logged before flags existed: unflagged. */
  flag: flagSchema.default(null),
  metrics: metricsSchema.optional(),
  updated_at: z.string(),
  updated_by: z.string(),
});

export const metricsUpdatedSchema = z.object({
  path: z.string(),
  version: z.number().int(),
  metrics: metricsSchema,
  updated_at: z.string(),
  updated_by: z.string(),
});

/**
 * An item's labels, version and history followed its file to a new path (a move or rename inside
 * the root found by content fingerprint, or a table row found by its id under a new path). `from`,
 * `to` and `version` are the collaboration contract; the labels ride along so a browser can show
 * the moved item without asking. Durable (replayed) when the item had labels; an unlabeled file's
 * move is announced once with the version unchanged and no event id.
 */
export const itemMovedSchema = z.object({
  from: z.string(),
  to: z.string(),
  version: z.number().int(),
  tags: z.array(z.string()),
  notes: z.string(),
  star: starSchema,
  /** Absent in events logged before flags existed: unflagged. */
  flag: flagSchema.default(null),
  metrics: metricsSchema.optional(),
  updated_at: z.string(),
  updated_by: z.string(),
});

/** At most this many paths are listed in one `items-added` / `items-removed` event; `count` has them all. */
export const MAX_CHANGE_PATHS = 500;

/**
 * Files appeared in (or vanished from) the dataset on their own: the watcher saw them, or a
 * rewritten table has other rows. Not replayed: a client that reconnects refetches its listings.
 */
export const itemsChangedSetSchema = z.object({
  /** The first MAX_CHANGE_PATHS paths, in no particular order. */
  paths: z.array(z.string()),
  /** How many items in all. */
  count: z.number().int().min(0),
  /** The folders whose listings changed (parents of the paths, all of them). */
  folders: z.array(z.string()),
});

/** A file was rewritten in place: same path and labels, new bytes (a new thumbnail). */
export const itemChangedSchema = z.object({
  path: z.string(),
  /** Changes with the bytes (size and mtime): thumbnail and file URLs carry it to skip stale caches. */
  stamp: z.string(),
});

export const presenceEventSchema = presenceCountsSchema;

export const metricsProgressSchema = z.object({
  gallery_id: z.string(),
  percent: z.number(),
  message: z.string(),
});

export const viewsUpdatedSchema = z.object({ version: z.number().int() });

/** Sent instead of a replay when the events a client missed are no longer in the log: refetch. */
export const resyncSchema = z.object({ reason: z.string(), last_event_id: z.number().int() });

export const EVENT_NAMES = [
  'item-updated',
  'metrics-updated',
  'presence',
  'metrics-progress',
  'views-updated',
  'resync',
  'item-moved',
  'items-added',
  'items-removed',
  'item-changed',
  'settings-updated',
  'assignments-updated',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export const serverEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('item-updated'), data: itemUpdatedSchema }),
  z.object({ type: z.literal('metrics-updated'), data: metricsUpdatedSchema }),
  z.object({ type: z.literal('presence'), data: presenceEventSchema }),
  z.object({ type: z.literal('metrics-progress'), data: metricsProgressSchema }),
  z.object({ type: z.literal('views-updated'), data: viewsUpdatedSchema }),
  z.object({ type: z.literal('resync'), data: resyncSchema }),
  z.object({ type: z.literal('item-moved'), data: itemMovedSchema }),
  z.object({ type: z.literal('items-added'), data: itemsChangedSetSchema }),
  z.object({ type: z.literal('items-removed'), data: itemsChangedSetSchema }),
  z.object({ type: z.literal('item-changed'), data: itemChangedSchema }),
  z.object({ type: z.literal('settings-updated'), data: settingsUpdatedSchema }),
  z.object({ type: z.literal('assignments-updated'), data: assignmentsUpdatedSchema }),
]);
export type ServerEvent = z.infer<typeof serverEventSchema>;
export type ItemUpdated = z.infer<typeof itemUpdatedSchema>;
export type MetricsUpdated = z.infer<typeof metricsUpdatedSchema>;
export type PresenceEvent = z.infer<typeof presenceEventSchema>;
export type MetricsProgress = z.infer<typeof metricsProgressSchema>;
export type ItemMoved = z.infer<typeof itemMovedSchema>;
export type ItemsChangedSet = z.infer<typeof itemsChangedSetSchema>;
export type ItemChanged = z.infer<typeof itemChangedSchema>;
