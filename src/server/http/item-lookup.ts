import { AppError } from '../app-error.js';
import type { DatasetSource } from '../datasets/dataset-source.js';
import { mimeForName } from '../media/formats.js';

/**
 * How every route that names an item finds it. Once indexing is done the catalog is the truth:
 * a path it does not hold is `not_found`. While indexing, a path it does not hold yet is looked
 * up in the source itself (an image found is served, and labelled under the path the catalog
 * will hold), and anything the source cannot vouch for is `indexing` (503, Retry-After): a
 * restart must never make a client drop an edit of an image that exists.
 */
export class ItemLookup {
  constructor(private readonly source: DatasetSource) {}

  /** The id of the image at `path`; `unsupported_media_type` first when the name is not an image type. */
  async requireImage(path: string): Promise<number> {
    const catalog = this.source.catalog;
    const known = catalog.idOf(path);
    if (known !== undefined) return known;
    if (!mimeForName(path)) throw new AppError('unsupported_media_type', `not an image: ${path}`);
    if (!this.indexing()) throw notFound(path);
    const found = await this.source.lookup(path);
    if (found?.kind === 'item') return found.id;
    const now = catalog.idOf(path);
    if (now !== undefined) return now;
    if (!this.indexing()) throw notFound(path);
    throw indexingError(this.source);
  }

  /**
   * Label routes: every image path in `paths` the catalog will hold is in it once this resolves, so
   * the label service (which asks the catalog) sees it. Paths that cannot be resolved while
   * indexing make the whole request `indexing`; after indexing, unknown paths are left for the
   * service to answer as missing.
   */
  async settle(paths: Iterable<string>): Promise<void> {
    const catalog = this.source.catalog;
    for (const path of new Set(paths)) {
      if (catalog.idOf(path) !== undefined || !mimeForName(path) || !this.indexing()) continue;
      const found = await this.source.lookup(path);
      if (found?.kind !== 'item' && catalog.idOf(path) === undefined && this.indexing()) throw indexingError(this.source);
    }
  }

  /** True while the index is being built (initially, or a refresh). */
  indexing(): boolean {
    return this.source.progress().state === 'running';
  }
}

/** 503 `indexing`: what a route answers while the index cannot tell yet. */
export function indexingError(source: DatasetSource): AppError {
  const { done, total } = source.progress();
  return new AppError('indexing', `the index is still being built (${total} images found so far); try again shortly`, { done, total });
}

function notFound(path: string): AppError {
  return new AppError('not_found', `no such item: ${path}`);
}
