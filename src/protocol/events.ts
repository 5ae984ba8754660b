import { z } from 'zod';
import { metricsSchema, starSchema } from './items.js';
import { presenceCountsSchema } from './presence.js';

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
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export const serverEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('item-updated'), data: itemUpdatedSchema }),
  z.object({ type: z.literal('metrics-updated'), data: metricsUpdatedSchema }),
  z.object({ type: z.literal('presence'), data: presenceEventSchema }),
  z.object({ type: z.literal('metrics-progress'), data: metricsProgressSchema }),
  z.object({ type: z.literal('views-updated'), data: viewsUpdatedSchema }),
  z.object({ type: z.literal('resync'), data: resyncSchema }),
]);
export type ServerEvent = z.infer<typeof serverEventSchema>;
export type ItemUpdated = z.infer<typeof itemUpdatedSchema>;
export type MetricsUpdated = z.infer<typeof metricsUpdatedSchema>;
export type PresenceEvent = z.infer<typeof presenceEventSchema>;
export type MetricsProgress = z.infer<typeof metricsProgressSchema>;
