import * as z from 'zod';

export const MAX_NOTES_BYTES = 64 * 1024;
export const MAX_TAGS = 256;
export const MAX_TAG_LENGTH = 200;

export const starSchema = z.number().int().min(0).max(5).nullable();
/** Pick / reject culling (issue 12), beside the star; null is unflagged. */
export const FLAG_VALUES = ['pick', 'reject'] as const;
export const flagValueSchema = z.enum(FLAG_VALUES);
export const flagSchema = flagValueSchema.nullable();
export type Flag = z.infer<typeof flagSchema>;
/**
 * Where a flag is sent by the server: absent reads as unflagged, so labels written before flags
 * existed (an event replayed from an older log, an idempotency record) still parse.
 */
const sentFlagSchema = flagSchema.default(null);
export const metricsSchema = z.record(z.string(), z.number());

/** One image as the grid sees it: file facts plus its labels. */
export const itemSchema = z.object({
  path: z.string(),
  name: z.string(),
  type: z.string(),
  w: z.number().int(),
  h: z.number().int(),
  size: z.number(),
  added_at: z.string(),
  star: starSchema,
  flag: sentFlagSchema,
  tags: z.array(z.string()),
  notes: z.string(),
  version: z.number().int(),
  metrics: metricsSchema.optional(),
});
export type Item = z.infer<typeof itemSchema>;

/** The labels of one item, as stored and as sent in `item-updated` events. */
export const sidecarSchema = z.object({
  path: z.string(),
  tags: z.array(z.string()),
  notes: z.string(),
  star: starSchema,
  flag: sentFlagSchema,
  metrics: metricsSchema,
  version: z.number().int().min(1),
  updated_at: z.string().nullable(),
  updated_by: z.string().nullable(),
});
export type Sidecar = z.infer<typeof sidecarSchema>;

export const putItemBodySchema = z.object({
  base_version: z.number().int().min(1).optional(),
  tags: z.array(z.string()),
  notes: z.string(),
  star: starSchema,
  /** Absent (a client older than flags): the item keeps its flag. */
  flag: flagSchema.optional(),
});
export type PutItemBody = z.infer<typeof putItemBodySchema>;

export const patchItemBodySchema = z.object({
  base_version: z.number().int().min(1).optional(),
  set_star: starSchema.optional(),
  set_flag: flagSchema.optional(),
  set_notes: z.string().optional(),
  set_tags: z.array(z.string()).optional(),
  add_tags: z.array(z.string()).optional(),
  remove_tags: z.array(z.string()).optional(),
});
export type PatchItemBody = z.infer<typeof patchItemBodySchema>;
