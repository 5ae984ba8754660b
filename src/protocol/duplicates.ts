import * as z from 'zod';
import { itemSchema } from './items.js';

/** The Hamming distance `POST /duplicates` groups within when the body names none (duplicates SPEC DU3). */
export const DEFAULT_MAX_DISTANCE = 12;
/** The cosine score `POST /duplicates` groups at when an embedding is named without `min_score` (DU9). */
export const DEFAULT_MIN_SCORE = 0.95;
/**
 * The largest distance asked for: past it, unrelated photos (whose 64-bit hashes lie ~32 apart)
 * start to group, and the multi-index search looks through most buckets.
 */
export const MAX_MAX_DISTANCE = 24;

/**
 * `POST /duplicates`: near-duplicate groups under a folder. By perceptual hash (`max_distance`,
 * Hamming, 0…24) or, naming an `embedding`, by cosine similarity (`min_score`).
 */
export const duplicatesBodySchema = z
  .object({
    path: z.string().default('/'),
    recursive: z.boolean().default(true),
    max_distance: z.number().int().min(0).max(MAX_MAX_DISTANCE).optional(),
    embedding: z.string().min(1).max(200).optional(),
    min_score: z.number().min(-1).max(1).optional(),
  })
  .strict()
  .refine((b) => b.embedding !== undefined || b.min_score === undefined, { message: 'min_score needs an embedding', path: ['min_score'] })
  .refine((b) => b.embedding === undefined || b.max_distance === undefined, { message: 'max_distance is for perceptual hashes; with an embedding give min_score', path: ['max_distance'] });
export type DuplicatesBody = z.infer<typeof duplicatesBodySchema>;

export const duplicateGroupSchema = z.object({
  /** Best first: the highest resolution, then the largest file. */
  items: z.array(itemSchema).min(2),
  /**
   * Perceptual hashes: the largest Hamming distance from the first item to another; embeddings:
   * the group's weakest link, the lowest cosine score that still holds it together (≥ `min_score`).
   */
  distance: z.number(),
});
export type DuplicateGroup = z.infer<typeof duplicateGroupSchema>;

export const duplicatesResponseSchema = z.object({
  groups: z.array(duplicateGroupSchema),
  /** What the groups were made with: the distance used (the default when none was asked). */
  max_distance: z.number().int().optional(),
  /** By an embedding: the score the groups were made with (the default when none was asked). */
  min_score: z.number().optional(),
  /** Items in scope and those of them without a hash yet (still being hashed: the answer is partial). */
  total: z.number().int(),
  pending: z.number().int(),
});
export type DuplicatesResponse = z.infer<typeof duplicatesResponseSchema>;
