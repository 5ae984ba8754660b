import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type RouteHandlerMethod } from 'fastify';
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
  // Every other path is a file of the web app, served by @fastify/static. Loading it (~40 ms) waits for
  // the first such request, so a start does not: this route is the one the plugin registers, with the
  // plugin's own handler and error handler, taken from it when first needed.
  let serving: Promise<RouteHandlerMethod> | undefined;
  app.route({
    method: ['HEAD', 'GET'],
    url: '/*',
    errorHandler(error: FastifyError, request, reply) {
      if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') return void reply.request.raw.destroy();
      return app.errorHandler(error, request, reply);
    },
    async handler(request, reply) {
      serving ??= staticHandler(webDir).catch((error: unknown) => {
        serving = undefined;
        throw error;
      });
      (await serving).call(this, request, reply);
      return reply;
    },
  });
}

/** @fastify/static's wildcard handler for `webDir`, registered on an instance of its own to be taken. */
async function staticHandler(webDir: string): Promise<RouteHandlerMethod> {
  const { default: fastifyStatic } = await import('@fastify/static');
  const holder = Fastify();
  let handler: RouteHandlerMethod | undefined;
  holder.addHook('onRoute', (route) => {
    if (route.url === '/*') handler = route.handler as RouteHandlerMethod;
  });
  await holder.register(fastifyStatic, {
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
  if (!handler) throw new Error('@fastify/static registered no wildcard route');
  return handler;
}
