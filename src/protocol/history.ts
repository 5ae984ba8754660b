import * as z from 'zod';
import { flagSchema, starSchema } from './items.js';

/** What one write changed, as `GET /item/history` shows it (notes clipped to 500 characters). */
export const labelChangesSchema = z.object({
  star: z.object({ from: starSchema, to: starSchema }).optional(),
  flag: z.object({ from: flagSchema, to: flagSchema }).optional(),
  notes: z.object({ from: z.string(), to: z.string() }).optional(),
  tags: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }).optional(),
  metrics: z.record(z.string(), z.object({ from: z.number().nullable(), to: z.number() })).optional(),
  /** The item's file moved (or its table row's path changed): labels and version followed it. */
  moved: z.object({ from: z.string(), to: z.string() }).optional(),
});
export type LabelChanges = z.infer<typeof labelChangesSchema>;

/** An item's labels as they stood at one version. */
export const versionLabelsSchema = z.object({
  star: starSchema,
  flag: flagSchema,
  tags: z.array(z.string()),
  notes: z.string(),
});
export type VersionLabels = z.infer<typeof versionLabelsSchema>;

export const historyEntrySchema = z.object({
  event_id: z.number().int(),
  type: z.enum(['item-updated', 'metrics-updated', 'item-moved']),
  version: z.number().int(),
  updated_at: z.string(),
  updated_by: z.string(),
  changes: labelChangesSchema,
  /**
   * The labels right after this version (notes unclipped), so "Restore this version" can write
   * them back. Absent from servers older than protocol 9, and on a metrics-only entry whose
   * labels lie beyond the entries read.
   */
  labels: versionLabelsSchema.optional(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** `GET /item/history?path=&limit=`: newest first. */
export const historyResponseSchema = z.object({ path: z.string(), entries: z.array(historyEntrySchema) });
export type HistoryResponse = z.infer<typeof historyResponseSchema>;
