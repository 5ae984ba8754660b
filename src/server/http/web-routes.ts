import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../app-error.js';

/**
 * The built web app. `/` (with any query string: the app routes by query) and the pages `/setup`,
 * `/invite`, `/signin` and `/admin` are index.html always revalidated; hashed `/assets/*` are immutable; unknown paths fall through to JSON 404.
 */
export async function registerWebRoutes(app: FastifyInstance, webDir: string): Promise<void> {
  const sendIndex = async (reply: FastifyReply) => {
    const html = await readFile(join(webDir, 'index.html')).catch(() => undefined);
    if (!html) throw new AppError('not_found', 'the web app is not built (run `npm run build`)');
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(html);
  };
  // The app's own pages: the app routes by path for these, by query string for the rest.
  for (const page of ['/', '/index.html', '/setup', '/invite', '/signin', '/admin']) app.get(page, (_request, reply) => sendIndex(reply));
  await app.register(fastifyStatic, {
    root: webDir,
    prefix: '/',
    index: false,
    wildcard: true,
    preCompressed: true, // .br/.gz written at build time (scripts/compress-web.mjs)
    cacheControl: false,
    etag: true,
    setHeaders: (res, path) => {
      const immutable = path.includes(`${join(webDir, 'assets')}/`);
      res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
