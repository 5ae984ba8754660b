import * as z from 'zod';

export const pngTextChunkSchema = z.object({
  type: z.enum(['tEXt', 'zTXt', 'iTXt']),
  keyword: z.string(),
  text: z.string(),
  language: z.string().optional(),
  translated_keyword: z.string().optional(),
  /** The text was cut to the server's per-chunk budget (present only then). */
  truncated: z.literal(true).optional(),
});
export type PngTextChunk = z.infer<typeof pngTextChunkSchema>;

/**
 * `GET /metadata?path=`: EXIF (JSON-safe: dates as ISO strings, blobs summarized), PNG text chunks,
 * and the handy fields (prompt, seed, camera…) picked out of them. Null where the format has none.
 * Text is bounded per chunk and in total; `truncated` says when a bound was hit.
 */
export const metadataResponseSchema = z.object({
  path: z.string(),
  format: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  exif: z.record(z.string(), z.unknown()).nullable(),
  png_text: z.array(pngTextChunkSchema).nullable(),
  quick_fields: z.record(z.string(), z.string()),
  /**
   * Some text was cut or left out to stay within the server's budget (a decompression bomb or an
   * absurd file): what is shown is the start of it.
   */
  truncated: z.boolean(),
});
export type MetadataResponse = z.infer<typeof metadataResponseSchema>;
