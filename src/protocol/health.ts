import * as z from 'zod';
import { embeddingInfoSchema } from './embeddings.js';

export const healthSchema = z.object({
  ok: z.boolean(),
  mode: z.enum(['folder', 'table']),
  root: z.string(),
  name: z.string(),
  items: z.number().int(),
  read_only: z.boolean(),
  indexing: z.object({
    state: z.enum(['running', 'done']),
    done: z.number().int(),
    total: z.number().int(),
  }),
  /** Perceptual hashes for `POST /duplicates` (duplicates SPEC DU1): `waiting` until indexing is done. */
  phash: z
    .object({
      state: z.enum(['waiting', 'running', 'done']),
      done: z.number().int(),
      total: z.number().int(),
    })
    .optional(),
  /** Embeddings (issue 13), with their index's build progress; absent when there are none. */
  embeddings: z.array(embeddingInfoSchema).optional(),
  labels: z
    .object({
      persistent: z.boolean(),
      store: z.string(),
      path: z.string().nullable(),
      last_event_id: z.number().int(),
      /** A database-server store (postgres): whether the last call reached it. */
      connection: z.enum(['connected', 'unavailable']).optional(),
    })
    .optional(),
});
export type Health = z.infer<typeof healthSchema>;
