import * as z from 'zod';
import { errorSchema, versionConflictErrorSchema } from './errors.js';
import { metricsProgressSchema } from './events.js';
import { metricsSchema, patchItemBodySchema, sidecarSchema } from './items.js';
import { galleryIdSchema } from './presence.js';

/** The label writes' bodies: the batch and metric requests, and what every label write answers. */

/** Most entries one `PATCH /items` or `PUT /metrics` may carry. */
export const MAX_WRITE_BATCH = 5000;

/** One entry of `PATCH /items`: a PATCH body plus the item's path. */
export const patchItemsEntrySchema = patchItemBodySchema.extend({ path: z.string() });
export type PatchItemsEntry = z.infer<typeof patchItemsEntrySchema>;

/** `PATCH /items` takes a bare array of entries, or `{ items: [...] }`. */
export const patchItemsArraySchema = z.array(patchItemsEntrySchema);
export const patchItemsObjectSchema = z.object({ items: patchItemsArraySchema });
export const patchItemsBodySchema = z.union([patchItemsArraySchema, patchItemsObjectSchema]);

export const metricNameSchema = z.string().min(1).max(200);
/** Finite numbers only (JSON has no NaN, but a hand-built body may still carry huge exponents). */
export const metricsInputSchema = z.record(metricNameSchema, z.number().finite());

/** `PUT /metrics`. */
export const putMetricsBodySchema = z.object({
  items: z.array(z.object({ path: z.string(), metrics: metricsInputSchema })).max(MAX_WRITE_BATCH),
});
export type PutMetricsBody = z.infer<typeof putMetricsBodySchema>;

/** `POST /metrics/progress`: the `metrics-progress` event's fields, bounded. */
export const metricsProgressBodySchema = metricsProgressSchema.extend({
  gallery_id: galleryIdSchema,
  percent: metricsProgressSchema.shape.percent.min(0).max(100),
  message: metricsProgressSchema.shape.message.max(500),
});

/**
 * `PUT`/`PATCH /item` answer 200 with the new sidecar (`sidecarSchema`) or 409 with the conflict
 * below; a replay of an Idempotency-Key answers exactly the same again.
 */
export const itemConflictBodySchema = z.object({ error: versionConflictErrorSchema, current: sidecarSchema });
export type ItemConflictBody = z.infer<typeof itemConflictBodySchema>;

/** One entry's result in a `PATCH /items` answer (always 200: each entry carries its own outcome). */
export const batchResultSchema = z.discriminatedUnion('status', [
  z.object({ path: z.string(), status: z.literal('ok'), item: sidecarSchema }),
  z.object({ path: z.string(), status: z.literal('conflict'), error: versionConflictErrorSchema, current: sidecarSchema }),
  z.object({ path: z.string(), status: z.literal('not_found'), error: errorSchema.extend({ code: z.literal('not_found') }) }),
]);
export const batchResponseSchema = z.object({ results: z.array(batchResultSchema) });
export type BatchResult = z.infer<typeof batchResultSchema>;
export type BatchResponse = z.infer<typeof batchResponseSchema>;

/** `PUT /metrics` answers a result per item: merged (with the new version), or not an image. */
export const metricsResultSchema = z.discriminatedUnion('status', [
  z.object({ path: z.string(), status: z.literal('ok'), version: z.number().int(), metrics: metricsSchema }),
  z.object({ path: z.string(), status: z.literal('conflict') }),
  z.object({ path: z.string(), status: z.literal('not_found') }),
]);
export const metricsResponseSchema = z.object({ results: z.array(metricsResultSchema) });
export type MetricsResponse = z.infer<typeof metricsResponseSchema>;

/** `POST /metrics/progress` acknowledges with `{ ok: true }` (the progress itself goes out as an event). */
export const okResponseSchema = z.object({ ok: z.literal(true) });
