import type { FastifyInstance } from 'fastify';
import type { DatasetSource } from '../datasets/dataset-source.js';
import { ItemLookup } from './item-lookup.js';
import { pathParam, type Query } from './query-params.js';

export function registerMetadataRoutes(app: FastifyInstance, source: DatasetSource): void {
  const items = new ItemLookup(source);
  app.get('/metadata', async (request) => {
    // The parsers (EXIF, PNG text, generation parameters) load with the first request, not at start.
    const { readMetadata } = await import('../media/metadata.js');
    const path = pathParam(request.query as Query);
    const catalog = source.catalog;
    const id = await items.requireImage(path);
    const bytes = await source.openItem(id);
    return readMetadata(path, catalog.typeOf(id), { w: catalog.width[id]!, h: catalog.height[id]! }, bytes);
  });
}
