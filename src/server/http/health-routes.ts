import type { FastifyInstance } from 'fastify';
import type { Health } from '../../protocol/health.js';
import type { DatasetSource } from '../datasets/dataset-source.js';
import type { LabelService } from '../labels/label-service.js';

/** `GET /health`; `labels` is there when the server keeps labels (not with `labels: false`). */
export function registerHealthRoutes(app: FastifyInstance, source: DatasetSource, readOnly: boolean, labels: LabelService | null): void {
  app.get('/health', async (): Promise<Health> => {
    const progress = source.progress();
    return {
      ok: true,
      mode: source.mode,
      root: source.root,
      name: source.name,
      items: source.catalog.aliveCount,
      read_only: readOnly,
      indexing: { state: progress.state, done: progress.done, total: progress.total },
      ...(labels ? { labels: labels.health() } : {}),
    };
  });
}
