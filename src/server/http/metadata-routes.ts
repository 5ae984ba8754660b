import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { readMetadata } from '../media/metadata.js';
import { pathParam, type Query } from './query-params.js';

export function registerMetadataRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/metadata', async (request) => {
    const path = pathParam(request.query as Query);
    const id = ctx.requireImage(path);
    const catalog = ctx.source.catalog;
    const bytes = await ctx.source.openItem(id);
    return readMetadata(path, catalog.typeOf(id), { w: catalog.width[id]!, h: catalog.height[id]! }, bytes);
  });
}
