import { z } from 'zod';

/** A gallery id is a folder path (or a name such as "root"): longer ones are refused, not fanned out. */
export const MAX_GALLERY_ID_LENGTH = 2048;
export const MAX_CLIENT_ID_LENGTH = 200;

export const presenceStatusSchema = z.enum(['viewing', 'editing']);
export const galleryIdSchema = z.string().min(1).max(MAX_GALLERY_ID_LENGTH);
export const presenceClientIdSchema = z.string().min(1).max(MAX_CLIENT_ID_LENGTH);
/**
 * A secret the client makes up once per tab and sends with every heartbeat and leave: only the
 * same token can move or end that presence. Without one, a presence can be ended by anyone who
 * knows the client id (the spec's original behaviour).
 */
export const presenceTokenSchema = z.string().regex(/^[\w-]{8,128}$/, 'expected 8-128 letters, digits, - or _');
export const presenceHeartbeatSchema = z.object({
  gallery_id: galleryIdSchema,
  client_id: presenceClientIdSchema,
  status: presenceStatusSchema,
  token: presenceTokenSchema.optional(),
});
export const presenceLeaveSchema = z.object({
  gallery_id: galleryIdSchema.optional(),
  client_id: presenceClientIdSchema,
  token: presenceTokenSchema.optional(),
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
