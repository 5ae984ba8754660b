import * as z from 'zod';
import { FLAG_VALUES, itemSchema, starSchema } from './items.js';
import { listingIndexingSchema, MAX_WINDOW } from './folders.js';

/**
 * `POST /query` and `POST /histogram`: server-side filtering, sorting and windowing over a whole
 * dataset (folder or table mode alike), so the browser never filters over the pages it happens to
 * have loaded. Every filter clause is one small object; all clauses AND together.
 */
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const metricFilterSchema = z
  .object({ metric: z.string().min(1), min: finite.optional(), max: finite.optional() })
  .strict();
/** 0 stands for "unrated". */
export const starsFilterSchema = z.object({ stars: z.array(z.number().int().min(0).max(5)) }).strict();
/** `none` stands for "unflagged". */
export const flagsFilterSchema = z.object({ flags: z.array(z.enum([...FLAG_VALUES, 'none'])) }).strict();
export const tagsAnyFilterSchema = z.object({ tags_any: z.array(z.string()) }).strict();
export const tagsAllFilterSchema = z.object({ tags_all: z.array(z.string()) }).strict();
export const tagsNoneFilterSchema = z.object({ tags_none: z.array(z.string()) }).strict();
/** Case-insensitive substring of the item's name, path or notes. */
export const textFilterSchema = z.object({ text: z.string() }).strict();

export const numberRangeSchema = z
  .object({ gt: finite.optional(), gte: finite.optional(), lt: finite.optional(), lte: finite.optional() })
  .strict();
export type NumberRange = z.infer<typeof numberRangeSchema>;
export const widthFilterSchema = z.object({ width: numberRangeSchema }).strict();
export const heightFilterSchema = z.object({ height: numberRangeSchema }).strict();

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date');
/** `from` inclusive, `to` exclusive. */
export const addedFilterSchema = z
  .object({ added: z.object({ from: isoDate.optional(), to: isoDate.optional() }).strict() })
  .strict();

export const filterSchema = z.union([
  metricFilterSchema,
  starsFilterSchema,
  flagsFilterSchema,
  tagsAnyFilterSchema,
  tagsAllFilterSchema,
  tagsNoneFilterSchema,
  textFilterSchema,
  widthFilterSchema,
  heightFilterSchema,
  addedFilterSchema,
]);
export type Filter = z.infer<typeof filterSchema>;
export const MAX_FILTERS = 64;
export const filtersSchema = z.array(filterSchema).max(MAX_FILTERS);

/** `name`, `added`, `random` (seeded) or `metric:<name>`; items missing the sort value come last. */
export const sortKeySchema = z
  .string()
  .refine((k) => k === 'name' || k === 'added' || k === 'random' || (k.startsWith('metric:') && k.length > 7), {
    message: 'sort key must be name, added, random or metric:<name>',
  });
export const querySortSchema = z
  .object({
    key: sortKeySchema,
    order: z.enum(['asc', 'desc']).default('asc'),
    seed: z.number().int().optional(),
  })
  .strict();
export type QuerySort = z.infer<typeof querySortSchema>;

export const queryBodySchema = z
  .object({
    path: z.string().default('/'),
    recursive: z.boolean().default(true),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(0).max(MAX_WINDOW).default(200),
    filters: filtersSchema.default([]),
    sort: querySortSchema.optional(),
  })
  .strict();
export type QueryBody = z.infer<typeof queryBodySchema>;

export const queryResponseSchema = z.object({
  items: z.array(itemSchema),
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  /** Present when the query ran while indexing: the answer is partial. */
  indexing: listingIndexingSchema.optional(),
});
export type QueryResponse = z.infer<typeof queryResponseSchema>;

export const MAX_BINS = 512;
export const histogramBodySchema = z
  .object({
    path: z.string().default('/'),
    recursive: z.boolean().default(true),
    metric: z.string().min(1),
    bins: z.number().int().min(1).max(MAX_BINS).default(40),
    filters: filtersSchema.default([]),
  })
  .strict();
export type HistogramBody = z.infer<typeof histogramBodySchema>;

/**
 * `population` counts every item in scope that has the metric; `filtered` counts those that also
 * pass every filter except the ones on this same metric, so a brush on the histogram still shows
 * where the rest of the distribution lies. `min`/`max` are null when no item has the metric.
 */
export const histogramResponseSchema = z.object({
  metric: z.string(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  population: z.array(z.number().int()),
  filtered: z.array(z.number().int()),
});
export type HistogramResponse = z.infer<typeof histogramResponseSchema>;

export const metricFieldsResponseSchema = z.object({
  metrics: z.array(z.object({ name: z.string(), count: z.number().int() })),
});
export type MetricFieldsResponse = z.infer<typeof metricFieldsResponseSchema>;

export { starSchema };
