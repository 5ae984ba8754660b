import * as z from 'zod';

/**
 * Accounts, roles, sessions and API tokens (issue 10). How a server admits requests is its access
 * mode: `local` (loopback, no sign-in), `accounts` (sign-in or Bearer token), `proxy` (a trusted
 * SSO proxy names the user in a header) or `open` (no sign-in on a non-loopback address, chosen
 * explicitly).
 */
export const accessModeSchema = z.enum(['local', 'accounts', 'proxy', 'open']);
export type AccessMode = z.infer<typeof accessModeSchema>;

/** A person's role: viewer < labeler < admin. */
export const userRoleSchema = z.enum(['viewer', 'labeler', 'admin']);
export type UserRole = z.infer<typeof userRoleSchema>;
/** A token's role: a user role, or `worker` (metrics ingestion and progress only). */
export const tokenRoleSchema = z.enum(['viewer', 'labeler', 'admin', 'worker']);
export type TokenRole = z.infer<typeof tokenRoleSchema>;

export const MAX_USER_NAME_LENGTH = 64;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;
/** Letters (any script), digits, space and `._@-`; no leading/trailing space. Names are unique case-insensitively. */
export const userNameSchema = z
  .string()
  .min(1)
  .max(MAX_USER_NAME_LENGTH)
  .regex(/^[\p{L}\p{N}._@-](?:[\p{L}\p{N} ._@-]*[\p{L}\p{N}._@-])?$/u, 'letters, digits, spaces and . _ @ - only');
export const passwordSchema = z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH);
export const tokenNameSchema = z.string().min(1).max(200);

/** `POST /auth/login`: sets the session cookie. */
export const loginBodySchema = z.object({ username: z.string().min(1).max(MAX_USER_NAME_LENGTH), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) }).strict();

/** Who the caller is: a person, or a token (its name and role). */
export const whoSchema = z.object({ name: z.string(), role: tokenRoleSchema });
export type Who = z.infer<typeof whoSchema>;

/**
 * `GET /auth/me` (and the answer of login, setup and invite). `setup_required`: accounts mode with
 * no users yet (the setup link is in the server's output). `can`: what the caller may do, so the
 * web shows only the controls that work.
 */
export const meResponseSchema = z.object({
  access: accessModeSchema,
  user: whoSchema.nullable(),
  setup_required: z.boolean().optional(),
  can: z
    .object({
      label: z.boolean(),
      own_views: z.boolean(),
      shared_views: z.boolean(),
      admin: z.boolean(),
    })
    .optional(),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

/** `POST /auth/setup`: the first admin, with the one-time token from the setup link. */
export const setupBodySchema = z.object({ token: z.string().min(1).max(200), username: userNameSchema, password: passwordSchema }).strict();
/** `POST /auth/invite`: an invited user sets their password with the invite link's token. */
export const inviteBodySchema = z.object({ token: z.string().min(1).max(200), password: passwordSchema }).strict();
/** `GET /auth/invite?token=`: whose invite this is (the page greets them), without using it up. */
export const inviteInfoSchema = z.object({ name: z.string(), role: userRoleSchema });

export const userSchema = z.object({
  name: z.string(),
  role: userRoleSchema,
  created_at: z.string(),
  /** False while an invite is pending (no password set yet). */
  has_password: z.boolean(),
  last_seen_at: z.string().nullable(),
});
export type User = z.infer<typeof userSchema>;
export const usersResponseSchema = z.object({ users: z.array(userSchema) });

/** `POST /admin/users`: without `password`, the answer carries a one-time `invite_url`. */
export const addUserBodySchema = z.object({ name: userNameSchema, role: userRoleSchema, password: passwordSchema.optional() }).strict();
export const addUserResponseSchema = z.object({ user: userSchema, invite_url: z.string().nullable() });
/** `PATCH /admin/users` (name in the body) or `/admin/users/:name`. `invite: true` issues a fresh invite link. */
export const patchUserBodySchema = z
  .object({ name: z.string().min(1).max(MAX_USER_NAME_LENGTH).optional(), role: userRoleSchema.optional(), password: passwordSchema.optional(), invite: z.boolean().optional() })
  .strict();
export const patchUserResponseSchema = z.object({ user: userSchema, invite_url: z.string().nullable() });
/** `DELETE /admin/users` (`?name=` or body `{ name }`) or `/admin/users/:name`. */
export const removedResponseSchema = z.object({ ok: z.literal(true) });

export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: tokenRoleSchema,
  created_at: z.string(),
  created_by: z.string().nullable(),
  last_used_at: z.string().nullable(),
});
export type ApiToken = z.infer<typeof tokenSchema>;
export const tokensResponseSchema = z.object({ tokens: z.array(tokenSchema) });
export const createTokenBodySchema = z.object({ name: tokenNameSchema, role: tokenRoleSchema }).strict();
/** The secret is shown once: only its hash is kept. */
export const createTokenResponseSchema = z.object({ token: tokenSchema, secret: z.string() });

export const auditKindSchema = z.enum([
  'setup',
  'sign_in',
  'sign_in_failed',
  'sign_in_throttled',
  'sign_out',
  'user_added',
  'user_removed',
  'role_changed',
  'password_set',
  'invite_issued',
  'token_created',
  'token_revoked',
  'token_used',
  'proxy_user_created',
]);
export type AuditKind = z.infer<typeof auditKindSchema>;
export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  kind: auditKindSchema,
  /** Who did it (null: someone not signed in, e.g. a failed sign-in; "cli" for the command line). */
  actor: z.string().nullable(),
  /** Whom or what it was done to: a user name or a token's name. */
  subject: z.string().nullable(),
  address: z.string().nullable(),
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
/** `GET /admin/audit?limit=&before=`: newest first; `before` pages back by id. */
export const auditResponseSchema = z.object({ entries: z.array(auditEntrySchema), next_before: z.number().int().nullable() });
