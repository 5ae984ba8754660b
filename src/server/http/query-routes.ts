import type { FastifyInstance } from 'fastify';
import { histogramBodySchema, queryBodySchema } from '../../protocol/query.js';
import type { AppExtension } from '../app-context.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import { parseBody } from '../labels/label-input.js';
import { QueryEngine } from '../query/query-engine.js';

export interface QueryRouteDeps {
  engine: QueryEngine;
}

/** `POST /query`, `POST /histogram` and `GET /metrics/fields`: thin wrappers over the engine. */
export function registerQueryRoutes(app: FastifyInstance, deps: QueryRouteDeps): void {
  app.post('/query', async (request) => {
    const body = parseBody(queryBodySchema, request.body ?? {});
    await deps.engine.prepare(body.sort);
    return deps.engine.query(body);
  });
  app.post('/histogram', async (request) => deps.engine.histogram(parseBody(histogramBodySchema, request.body)));
  app.get('/metrics/fields', async () => ({ metrics: deps.engine.metricFields() }));
}

/**
 * The app extension. Labels are read through `ctx.labels()` at query time, so it does not matter
 * whether the labels extension installs its projection before or after this one.
 */
export function queryExtension(): AppExtension {
  return (app, ctx) => {
    const labels: LabelLookup = {
      peek: (path) => ctx.labels().peek(path),
      forEachLabeled: (visit) => ctx.labels().forEachLabeled(visit),
    };
    const engine = new QueryEngine({ catalog: ctx.source.catalog, labels, labelRevision: () => labelRevision(ctx.labels()) });
    registerQueryRoutes(app, { engine });
    // Build the name and date orders once indexing is done, ahead of the first query.
    void ctx.source.whenIdle().then(
      () => engine.warm(),
      () => undefined,
    );
  };
}

/**
 * The label service's last event id moves on every committed label or metric write (after the
 * projection is updated, in the same tick), so it is a valid cache stamp; other lookups get a
 * fresh counter each call, which disables the cache.
 */
let uncached = 0;
function labelRevision(lookup: LabelLookup): number {
  const health = (lookup as { health?: () => { last_event_id: number } }).health;
  if (typeof health === 'function') return health.call(lookup).last_event_id;
  return --uncached;
}
