import type { FastifyReply, FastifyRequest } from 'fastify';
import { AbortedError } from '../media/generated-cache.js';
import type { Query } from './query-params.js';

/**
 * Answers with an image made on demand (a thumbnail, a rendition) named by `key`. With a `v`
 * parameter (anything that changes with the image, e.g. its media stamp) the URL is immutable;
 * without, browsers revalidate with the ETag (a cheap 304). A client that leaves before the image
 * is made (a cell scrolled away, a pane closed) stops the wait, which drops the job when nobody
 * else wants it.
 */
export async function sendGenerated(
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  make: (signal: AbortSignal) => Promise<{ body: Buffer; type: string }>,
): Promise<unknown> {
  const etag = `"${key}"`;
  reply.header('ETag', etag);
  reply.header('Cache-Control', (request.query as Query).v !== undefined ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  const gone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) gone.abort();
  });
  try {
    const { body, type } = await make(gone.signal);
    return reply.type(type).send(body);
  } catch (error) {
    if (error instanceof AbortedError) return reply.code(204).send();
    throw error;
  }
}
