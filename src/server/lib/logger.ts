/**
 * The little a domain service needs from a logger. Fastify's (pino) logger fits it, so the
 * composition root passes `app.log` without domain code importing fastify.
 */
export interface Logger {
  warn(details: object, message: string): void;
}
