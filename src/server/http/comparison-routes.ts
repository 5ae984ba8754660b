import type { FastifyInstance } from 'fastify';
import { MAX_COMPARE_PATHS, MAX_COMPARISON_BYTES, MIN_COMPARE_PATHS, comparisonExportBodySchema } from '../../protocol/comparison.js';
import { baseName } from '../../protocol/paths.js';
import { AppError } from '../app-error.js';
import type { DatasetSource } from '../datasets/dataset-source.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import { Limiter } from '../lib/limiter.js';
import type { PaneLabels } from '../media/comparison-layout.js';
import { renderComparisonSheet, type SheetPane } from '../media/comparison-sheet.js';
import type { ItemLookup } from './item-lookup.js';
import { bodyPath, parseBody } from './request-input.js';

export interface ComparisonRouteDeps {
  source: DatasetSource;
  items: ItemLookup;
  labels: LabelLookup;
}

/** `POST /export/comparison { paths, labels }`: the compared images as one PNG (media/SPEC.md CX1–CX6). */
export function registerComparisonRoutes(app: FastifyInstance, deps: ComparisonRouteDeps): void {
  // One sheet at a time: each decodes up to four full-size images, and the machine is shared.
  const limiter = new Limiter(1);
  app.post('/export/comparison', async (request, reply) => {
    const body = parseBody(comparisonExportBodySchema, request.body);
    const count = body.paths.length;
    if (count > MAX_COMPARE_PATHS) {
      throw new AppError('too_many_paths', `a comparison takes at most ${MAX_COMPARE_PATHS} images; got ${count}`, { max: MAX_COMPARE_PATHS, got: count });
    }
    if (count < MIN_COMPARE_PATHS) {
      throw new AppError('invalid_body', `paths: a comparison needs at least ${MIN_COMPARE_PATHS} images; got ${count}`, { field: 'paths' });
    }
    // Every path is checked before any image is read: a bad third path costs no decoding.
    const paths = body.paths.map((raw, i) => bodyPath(raw, `paths[${i}]`));
    const ids: number[] = [];
    for (const path of paths) ids.push(await deps.items.requireImage(path));
    const panes: SheetPane[] = [];
    for (const [i, path] of paths.entries()) {
      const bytes = await deps.source.openItem(ids[i]!);
      panes.push({
        input: bytes.kind === 'file' ? bytes.absPath : await bytes.read(),
        name: baseName(path),
        labels: body.labels ? labelsOf(deps.labels, path) : undefined,
      });
    }
    const sheet = await limiter.run(() => renderComparisonSheet(panes, { maxBytes: MAX_COMPARISON_BYTES, labels: body.labels }));
    return reply
      .type('image/png')
      .header('Content-Disposition', 'attachment; filename="lenslet-comparison.png"')
      .header('Cache-Control', 'no-store')
      .send(sheet.png);
  });
}

function labelsOf(lookup: LabelLookup, path: string): PaneLabels {
  const labels = lookup.peek(path);
  return { star: labels?.star ?? null, flag: labels?.flag ?? null };
}
