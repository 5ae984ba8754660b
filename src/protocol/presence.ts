import { z } from 'zod';

export const presenceStatusSchema = z.enum(['viewing', 'editing']);
export const presenceHeartbeatSchema = z.object({
  gallery_id: z.string().min(1),
  client_id: z.string().min(1).max(200),
  status: presenceStatusSchema,
});
export const presenceLeaveSchema = z.object({
  gallery_id: z.string().min(1).optional(),
  client_id: z.string().min(1).max(200),
});
/** `POST /presence` and `GET /presence?gallery_id=` answer with these; the `presence` event carries them too. */
export const presenceCountsSchema = z.object({
  gallery_id: z.string(),
  viewers: z.number().int(),
  editors: z.number().int(),
  updated_at: z.string(),
});
/** `POST /presence/leave`: the counts of the gallery left, or null when the client was in none. */
export const presenceLeaveResponseSchema = z.object({ client_id: z.string(), counts: presenceCountsSchema.nullable() });
export type PresenceStatus = z.infer<typeof presenceStatusSchema>;
export type PresenceHeartbeat = z.infer<typeof presenceHeartbeatSchema>;
export type PresenceCounts = z.infer<typeof presenceCountsSchema>;
