import type { FastifyInstance } from 'fastify';
import type { Health } from '../protocol/health.js';
import { AppError } from './app-error.js';
import type { DatasetSource } from './datasets/dataset-source.js';
import type { LabelLookup } from './labels/label-lookup.js';
import { mimeForName } from './media/formats.js';
import type { ListingService } from './services/listing-service.js';
import type { ThumbnailService } from './services/thumbnail-service.js';
import type { Workspace } from './workspace.js';

/**
 * What route modules and extensions (labels, events, queries) get from the composition root.
 * Services are built once here; routes stay thin.
 */
export interface AppContext {
  source: DatasetSource;
  workspace: Workspace;
  readOnly: boolean;
  listing: ListingService;
  thumbnails: ThumbnailService;
  /** Labels shown in listings and matched by search. */
  labels(): LabelLookup;
  /** The labels extension installs its in-memory projection here. */
  setLabelLookup(lookup: LabelLookup): void;
  /** Adds fields to `GET /health` (e.g. `labels`). */
  addHealthFields(contribute: () => Partial<Health>): void;
  healthFields(): Partial<Health>;
  /** Item id for a canonical path; 404 when unknown. */
  requireItem(path: string): number;
  /** Like requireItem, but 415 first when the name is not an image type. */
  requireImage(path: string): number;
}

/** Registers routes/services onto the app; runs after the core routes, before listening. */
export type AppExtension = (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;

export function createContext(parts: {
  source: DatasetSource;
  workspace: Workspace;
  readOnly: boolean;
  listing: ListingService;
  thumbnails: ThumbnailService;
  labelsRef: { current: LabelLookup };
}): AppContext {
  const contributors: (() => Partial<Health>)[] = [];
  const catalog = parts.source.catalog;
  const requireItem = (path: string) => {
    const id = catalog.idOf(path);
    if (id === undefined) throw new AppError('not_found', `no such item: ${path}`);
    return id;
  };
  return {
    source: parts.source,
    workspace: parts.workspace,
    readOnly: parts.readOnly,
    listing: parts.listing,
    thumbnails: parts.thumbnails,
    labels: () => parts.labelsRef.current,
    setLabelLookup: (lookup) => {
      parts.labelsRef.current = lookup;
    },
    addHealthFields: (contribute) => contributors.push(contribute),
    healthFields: () => Object.assign({}, ...contributors.map((c) => c())),
    requireItem,
    requireImage: (path) => {
      const id = catalog.idOf(path);
      if (id === undefined && !mimeForName(path)) throw new AppError('unsupported_media_type', `not an image: ${path}`);
      return requireItem(path);
    },
  };
}
