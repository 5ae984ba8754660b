import type { FastifyInstance } from 'fastify';
import type { DatasetSource } from '../datasets/dataset-source.js';
import { readMetadata } from '../media/metadata.js';
import { requireImage } from './item-lookup.js';
import { pathParam, type Query } from './query-params.js';

export function registerMetadataRoutes(app: FastifyInstance, source: DatasetSource): void {
  app.get('/metadata', async (request) => {
    const path = pathParam(request.query as Query);
    const catalog = source.catalog;
    const id = requireImage(catalog, path);
    const bytes = await source.openItem(id);
    return readMetadata(path, catalog.typeOf(id), { w: catalog.width[id]!, h: catalog.height[id]! }, bytes);
  });
}
