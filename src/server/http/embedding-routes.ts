import type { FastifyInstance } from 'fastify';
import { putEmbeddingsBodySchema, similarBodySchema } from '../../protocol/embeddings.js';
import type { DatasetSource } from '../datasets/dataset-source.js';
import type { EmbeddingService } from '../embeddings/embedding-service.js';
import { whileIndexing } from './folder-routes.js';
import { parseBody } from './request-input.js';

const PUT_BODY_LIMIT = 64 * 1024 * 1024;

/** `GET /embeddings`, `PUT /embeddings` (a worker attaching vectors) and `POST /similar`. */
export function registerEmbeddingRoutes(app: FastifyInstance, embeddings: EmbeddingService, source: DatasetSource): void {
  app.get('/embeddings', async () => embeddings.list());
  // A full batch of 4096-d vectors as JSON is ~40 MB; fastify's default limit is 1 MiB.
  app.put('/embeddings', { bodyLimit: PUT_BODY_LIMIT }, async (request) => embeddings.put(parseBody(putEmbeddingsBodySchema, request.body)));
  app.post('/similar', async (request) => {
    const body = parseBody(similarBodySchema, request.body ?? {});
    return whileIndexing(source, () => embeddings.similar(body));
  });
}
