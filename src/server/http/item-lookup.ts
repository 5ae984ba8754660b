import { AppError } from '../app-error.js';
import type { Catalog } from '../catalog/catalog.js';
import { mimeForName } from '../media/formats.js';

/** Item id for a canonical path; `not_found` when unknown. */
export function requireItem(catalog: Catalog, path: string): number {
  const id = catalog.idOf(path);
  if (id === undefined) throw new AppError('not_found', `no such item: ${path}`);
  return id;
}

/** Like requireItem, but `unsupported_media_type` first when the name is not an image type. */
export function requireImage(catalog: Catalog, path: string): number {
  if (catalog.idOf(path) === undefined && !mimeForName(path)) throw new AppError('unsupported_media_type', `not an image: ${path}`);
  return requireItem(catalog, path);
}
