import * as z from 'zod';
import { itemSchema } from './items.js';
import { filtersSchema } from './query.js';

/**
 * Embeddings (issue 13): fixed-length float vectors per item, from a table column or attached by a
 * worker (`PUT /embeddings`), and `POST /similar`, cosine similarity over one of them, scoped and
 * filtered like `POST /query`.
 */
export const MAX_EMBEDDING_DIM = 4096;
/** Items one `PUT /embeddings` may carry (a 4096-d vector is ~40 KB of JSON). */
export const MAX_EMBEDDING_ITEMS = 2000;
export const MAX_SIMILAR_K = 1000;
export const DEFAULT_SIMILAR_K = 100;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
export const embeddingNameSchema = z.string().min(1).max(200);
export const vectorSchema = z.array(finite).min(1).max(MAX_EMBEDDING_DIM);

export const putEmbeddingsBodySchema = z
  .object({
    embedding: embeddingNameSchema,
    items: z
      .array(z.object({ path: z.string().min(1), vector: vectorSchema }).strict())
      .min(1)
      .max(MAX_EMBEDDING_ITEMS),
  })
  .strict();
export type PutEmbeddingsBody = z.infer<typeof putEmbeddingsBodySchema>;

/** The approximate index: `building` while exact search answers, with its progress in vectors. */
export const embeddingIndexStateSchema = z.object({
  state: z.enum(['building', 'ready']),
  done: z.number().int(),
  total: z.number().int(),
});

export const embeddingInfoSchema = z.object({
  name: z.string(),
  dim: z.number().int(),
  /** Items with a vector (those read so far while a table's vectors are loading). */
  count: z.number().int(),
  index: embeddingIndexStateSchema,
});
export type EmbeddingInfo = z.infer<typeof embeddingInfoSchema>;
export const embeddingsResponseSchema = z.array(embeddingInfoSchema);

export const putEmbeddingsResponseSchema = z.object({ embedding: z.string(), dim: z.number().int(), count: z.number().int(), written: z.number().int() });

export const similarBodySchema = z
  .object({
    embedding: embeddingNameSchema,
    /** The item whose vector is the query; or `vector`. */
    path: z.string().min(1).optional(),
    vector: vectorSchema.optional(),
    k: z.number().int().min(1).max(MAX_SIMILAR_K).default(DEFAULT_SIMILAR_K),
    filters: filtersSchema.default([]),
    path_scope: z.string().default('/'),
    recursive: z.boolean().default(true),
  })
  .strict()
  .refine((b) => (b.path === undefined) !== (b.vector === undefined), { message: 'give exactly one of path and vector' });
export type SimilarBody = z.infer<typeof similarBodySchema>;

export const similarItemSchema = itemSchema.extend({ score: z.number() });
export type SimilarItem = z.infer<typeof similarItemSchema>;
export const similarResponseSchema = z.object({ items: z.array(similarItemSchema) });
export type SimilarResponse = z.infer<typeof similarResponseSchema>;
