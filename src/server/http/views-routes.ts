import type { FastifyInstance } from 'fastify';
import { putViewsBodySchema } from '../../protocol/views.js';
import { AppError } from '../app-error.js';
import { fingerprint, parseBody, parseIfMatch, requireIdempotencyKey, resolveBaseVersion } from '../labels/label-input.js';
import type { AppExtension } from '../app-context.js';
import { ViewsStore } from '../views/views-store.js';

export interface ViewsRouteDeps {
  views: ViewsStore;
}

/** `GET /views` and the versioned `PUT /views` (If-Match or body `version`, Idempotency-Key). */
export function registerViewsRoutes(app: FastifyInstance, deps: ViewsRouteDeps): void {
  app.get('/views', async (_request, reply) => {
    const doc = deps.views.get();
    reply.header('etag', `"${doc.version}"`);
    return doc;
  });

  app.put('/views', async (request, reply) => {
    const key = requireIdempotencyKey(header(request.headers['idempotency-key']));
    const body = parseBody(putViewsBodySchema, request.body);
    const base = resolveBaseVersion(parseIfMatch(header(request.headers['if-match'])), body.version);
    const print = fingerprint({ base, views: body.views });
    const earlier = deps.views.rememberedFingerprint(key);
    if (earlier !== undefined && earlier !== print) {
      throw new AppError('idempotency_key_reused', 'this Idempotency-Key was used for a different request');
    }
    const result = await deps.views.put(body.views, base, key, print);
    reply.code(result.status);
    if (result.replayed) reply.header('idempotency-replayed', 'true');
    if (result.status === 200) reply.header('etag', `"${result.body.version}"`);
    return result.body;
  });
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export interface ViewsExtensionOptions {
  /** Announces `views-updated` (the labels system's change feed, when there is one). */
  publish?: (event: { type: 'views-updated'; data: { version: number } }) => void;
}

/**
 * The app extension: views live in the workspace's views file (`.lenslet/views.json`, or
 * `t.parquet.lenslet.json` beside a table), in memory when the workspace is read-only.
 */
export function viewsExtension(options: ViewsExtensionOptions = {}): AppExtension {
  return async (app, ctx) => {
    const file = ctx.readOnly || !ctx.workspace.persistent ? null : ctx.workspace.viewsPath;
    const views = await ViewsStore.open({ file, publish: options.publish });
    registerViewsRoutes(app, { views });
  };
}
