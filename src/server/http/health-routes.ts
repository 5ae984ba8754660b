import type { FastifyInstance } from 'fastify';
import type { Health } from '../../protocol/health.js';
import type { AppContext } from '../app-context.js';

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/health', async (): Promise<Health> => {
    const progress = ctx.source.progress();
    return {
      ok: true,
      mode: ctx.source.mode,
      root: ctx.source.root,
      name: ctx.source.name,
      items: ctx.source.catalog.aliveCount,
      read_only: ctx.readOnly,
      indexing: { state: progress.state, done: progress.done, total: progress.total },
      ...ctx.healthFields(),
    };
  });
}
