import type { FastifyInstance } from 'fastify';
import { histogramBodySchema, queryBodySchema } from '../../protocol/query.js';
import type { DatasetSource } from '../datasets/dataset-source.js';
import { DEFAULT_SORT } from '../query/order-book.js';
import type { QueryEngine } from '../query/query-engine.js';
import { indexingProgress, whileIndexing } from './folder-routes.js';
import { parseBody } from './request-input.js';
import { requestsFirst } from './requests-first.js';

export interface QueryRouteDeps {
  engine: QueryEngine;
  /** Whose indexing makes an answer partial. */
  source: DatasetSource;
}

/** `POST /query`, `POST /histogram` and `GET /metrics/fields`: thin wrappers over the engine. */
export function registerQueryRoutes(app: FastifyInstance, deps: QueryRouteDeps): void {
  const { engine, source } = deps;
  const first = { onRequest: requestsFirst(engine) };
  app.post('/query', first, async (request) => {
    const body = parseBody(queryBodySchema, request.body ?? {});
    await engine.ready(body.sort ?? DEFAULT_SORT, body);
    const progress = indexingProgress(source);
    const result = whileIndexing(source, () => engine.query(body));
    return progress ? { ...result, indexing: progress } : result;
  });
  app.post('/histogram', first, async (request) => {
    const body = parseBody(histogramBodySchema, request.body);
    return whileIndexing(source, () => engine.histogram(body));
  });
  app.get('/metrics/fields', async () => ({ metrics: engine.metricFields() }));
}
