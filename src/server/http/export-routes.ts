import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Sidecar } from '../../protocol/items.js';
import { EXPORT_FORMATS, exportLines } from '../labels/label-export.js';
import type { LabelService } from '../labels/label-service.js';
import { boolParam, enumParam, pathParam, type Query } from './query-params.js';

export interface ExportRouteDeps {
  labels: LabelService;
  /** Every image path at or below a folder (for `?all=1`, which includes unlabeled images). */
  listItemPaths(prefix: string): Iterable<string>;
  /** Whom each item is assigned to, as of the request (issue 14); absent: no `assignee` values. */
  assignees?: () => (path: string) => string | null;
}

const PAGE = 500;

/** `GET /export?format=json|csv&path=/`: labeled items under a folder, streamed. */
export function registerExportRoutes(app: FastifyInstance, deps: ExportRouteDeps): void {
  app.get('/export', async (req, reply) => {
    const query = req.query as Query;
    const format = enumParam(query, 'format', EXPORT_FORMATS, 'json');
    const prefix = pathParam(query, 'path', '/');
    const all = boolParam(query, 'all', false);
    const rows = all ? withUnlabeled(deps, prefix) : deps.labels.exportUnder(prefix);
    reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="lenslet-labels.${format}"`);
    return reply.send(Readable.from(exportLines(rows, format, (path) => !deps.labels.hasItem(path), deps.assignees?.())));
  });
}

async function* withUnlabeled(deps: ExportRouteDeps, prefix: string): AsyncGenerator<Sidecar> {
  const paths = [...deps.listItemPaths(prefix)].sort();
  for (let i = 0; i < paths.length; i += PAGE) {
    yield* await deps.labels.getMany(paths.slice(i, i + PAGE));
  }
}
