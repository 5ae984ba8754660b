import { z } from 'zod';

export const pngTextChunkSchema = z.object({
  type: z.enum(['tEXt', 'zTXt', 'iTXt']),
  keyword: z.string(),
  text: z.string(),
  language: z.string().optional(),
  translated_keyword: z.string().optional(),
});
export type PngTextChunk = z.infer<typeof pngTextChunkSchema>;

/**
 * `GET /metadata?path=`: EXIF (JSON-safe: dates as ISO strings, blobs summarized), PNG text chunks,
 * and the handy fields (prompt, seed, camera…) picked out of them. Null where the format has none.
 */
export const metadataResponseSchema = z.object({
  path: z.string(),
  format: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  exif: z.record(z.string(), z.unknown()).nullable(),
  png_text: z.array(pngTextChunkSchema).nullable(),
  quick_fields: z.record(z.string(), z.string()),
});
export type MetadataResponse = z.infer<typeof metadataResponseSchema>;
