import type { FastifyInstance } from 'fastify';
import type { Health } from '../../protocol/health.js';
import type { DatasetSource } from '../datasets/dataset-source.js';
import type { PerceptualHashes } from '../duplicates/perceptual-hashes.js';
import type { EmbeddingService } from '../embeddings/embedding-service.js';
import type { LabelService } from '../labels/label-service.js';

/**
 * `GET /health`; `labels` is there when the server keeps labels (not with `labels: false`). Public,
 * but a caller the access check found nobody in (accounts and proxy mode) is told no paths: the
 * served root is empty and the labels database's path null.
 */
export function registerHealthRoutes(app: FastifyInstance, source: DatasetSource, readOnly: boolean, labels: LabelService | null, phashes?: PerceptualHashes, embeddings?: EmbeddingService): void {
  app.get('/health', async (request): Promise<Health> => {
    const progress = source.progress();
    const anonymous = request.principal === null;
    const labelHealth = labels?.health();
    const vectors = embeddings?.list() ?? [];
    return {
      ok: true,
      mode: source.mode,
      root: anonymous ? '' : source.root,
      name: source.name,
      items: source.catalog.aliveCount,
      read_only: readOnly,
      indexing: { state: progress.state, done: progress.done, total: progress.total },
      ...(phashes ? { phash: phashes.progress() } : {}),
      ...(vectors.length > 0 ? { embeddings: vectors } : {}),
      ...(labelHealth ? { labels: anonymous ? { ...labelHealth, path: null } : labelHealth } : {}),
    };
  });
}
