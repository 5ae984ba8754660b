import * as z from 'zod';

/**
 * `POST /export/comparison`: a PNG of 2–4 images side by side, each with its file name under it
 * (and, with `labels: true`, its stars and flag). The answer is the PNG itself (`image/png`, as a download);
 * errors are the usual JSON error body.
 */
export const MIN_COMPARE_PATHS = 2;
export const MAX_COMPARE_PATHS = 4;
/** The largest PNG the server sends: panes are scaled down until the file fits. */
export const MAX_COMPARISON_BYTES = 8 * 1024 * 1024;

export const comparisonExportBodySchema = z
  .object({
    // Bounds are checked by the route, so too many paths get their own code (`too_many_paths`).
    paths: z.array(z.string()),
    labels: z.boolean().default(false),
  })
  .strict();
export type ComparisonExportBody = z.infer<typeof comparisonExportBodySchema>;
