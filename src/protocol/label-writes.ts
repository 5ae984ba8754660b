import { z } from 'zod';
import { metricsProgressSchema } from './events.js';
import { patchItemBodySchema } from './items.js';

/** Request bodies of the batch label writes, the metric workers' writes and their progress reports. */

/** Most entries one `PATCH /items` or `PUT /metrics` may carry. */
export const MAX_WRITE_BATCH = 5000;

/** One entry of `PATCH /items`: a PATCH body plus the item's path. */
export const patchItemsEntrySchema = patchItemBodySchema.extend({ path: z.string() });
export type PatchItemsEntry = z.infer<typeof patchItemsEntrySchema>;

/** `PATCH /items` takes a bare array of entries, or `{ items: [...] }`. */
export const patchItemsArraySchema = z.array(patchItemsEntrySchema);
export const patchItemsObjectSchema = z.object({ items: patchItemsArraySchema });

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
  percent: metricsProgressSchema.shape.percent.min(0).max(100),
  message: metricsProgressSchema.shape.message.max(500),
});
