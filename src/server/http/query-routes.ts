import type { FastifyInstance } from 'fastify';
import { histogramBodySchema, queryBodySchema } from '../../protocol/query.js';
import type { QueryEngine } from '../query/query-engine.js';
import { parseBody } from './request-input.js';

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
