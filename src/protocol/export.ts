import * as z from 'zod';
import { sidecarSchema } from './items.js';

/** `GET /export?format=json|csv&path=&all=`: labeled items (all of them with `all=1`), path order. */
export const EXPORT_FORMATS = ['json', 'csv'] as const;
export const exportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

/**
 * One row of the JSON export: a whole sidecar, fields in this order. `missing: true` marks labels
 * whose item is no longer in the dataset (a deleted file, a table row whose id vanished): kept as
 * orphans, they re-attach when the item comes back.
 */
export const exportRowSchema = sidecarSchema.extend({
  missing: z.literal(true).optional(),
  /** Whom the item is assigned to (`GET /assignments`), when an assignment holds it. */
  assignee: z.string().optional(),
});
export const exportJsonSchema = z.array(exportRowSchema);
export type ExportRow = z.infer<typeof exportRowSchema>;

/**
 * The CSV export's header, in order. `tags` and `metrics` cells hold JSON, `star` and `flag` are empty
 * for none, `updated_at`/`updated_by` empty when never written, so a round trip loses nothing.
 */
export const EXPORT_CSV_COLUMNS = ['path', 'tags', 'notes', 'star', 'flag', 'metrics', 'version', 'updated_at', 'updated_by'] as const;
