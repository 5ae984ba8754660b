import * as z from 'zod';

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
export const MAX_PRESENCE_NAME_LENGTH = 200;
export const MAX_PRESENCE_ITEM_LENGTH = 4096;
/** How many names a count lists at most (editors first); `viewers`/`editors` still count everyone. */
export const MAX_PRESENCE_USERS = 50;
export const presenceHeartbeatSchema = z.object({
  gallery_id: galleryIdSchema,
  client_id: presenceClientIdSchema,
  status: presenceStatusSchema,
  token: presenceTokenSchema.optional(),
  /**
   * The display name of a browser without sign-in (local and open access). Ignored when the
   * request is authenticated: then the account's name is shown.
   */
  name: z.string().max(MAX_PRESENCE_NAME_LENGTH).optional(),
  /**
   * The item open in this client's inspector (a soft claim: others see "Bob is on this item";
   * nothing is locked). Absent (older clients too) or null: none.
   */
  item: z.string().min(1).max(MAX_PRESENCE_ITEM_LENGTH).nullable().optional(),
});
export const presenceLeaveSchema = z.object({
  gallery_id: galleryIdSchema.optional(),
  client_id: presenceClientIdSchema,
  token: presenceTokenSchema.optional(),
});
/** A named person present in a gallery: listed once however many tabs they have; editing wins. */
export const presenceUserSchema = z.object({
  name: z.string(),
  status: presenceStatusSchema,
  /** The item the person has open (their newest heartbeat that named one). */
  item: z.string().optional(),
});
/**
 * `POST /presence` and `GET /presence?gallery_id=` answer with these; the `presence` event carries
 * them too. `viewers` and `editors` count clients (tabs), as the spec defines them; `users` names
 * who they are, as far as they are known (clients without a name are counted, not listed).
 */
export const presenceCountsSchema = z.object({
  gallery_id: z.string(),
  viewers: z.number().int(),
  editors: z.number().int(),
  updated_at: z.string(),
  users: z.array(presenceUserSchema).max(MAX_PRESENCE_USERS).optional(),
});
/** `POST /presence/leave`: the counts of the gallery left, or null when the client was in none. */
export const presenceLeaveResponseSchema = z.object({ client_id: z.string(), counts: presenceCountsSchema.nullable() });
export type PresenceStatus = z.infer<typeof presenceStatusSchema>;
export type PresenceHeartbeat = z.infer<typeof presenceHeartbeatSchema>;
export type PresenceCounts = z.infer<typeof presenceCountsSchema>;
export type PresenceUser = z.infer<typeof presenceUserSchema>;
