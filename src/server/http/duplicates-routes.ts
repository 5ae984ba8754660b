import type { FastifyInstance } from 'fastify';
import { duplicatesBodySchema } from '../../protocol/duplicates.js';
import type { DuplicatesService } from '../duplicates/duplicates-service.js';
import { parseBody } from './request-input.js';

/** `POST /duplicates`: near-duplicate groups under a folder (duplicates/SPEC.md). */
export function registerDuplicatesRoutes(app: FastifyInstance, duplicates: DuplicatesService): void {
  app.post('/duplicates', async (request) => duplicates.find(parseBody(duplicatesBodySchema, request.body ?? {})));
}
