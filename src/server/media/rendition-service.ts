import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../lib/logger.js';
import type { Workspace } from '../workspace.js';
import { makeRendition, renditionEdge, renditionTypeOf, type Rendition } from './renditioner.js';
import { GeneratedCache } from './generated-cache.js';
import type { ThumbnailSource } from './thumbnail-service.js';

export interface RenditionOptions {
  /** Keep renditions in `<workspace>/thumbs/previews/`. */
  diskCache: boolean;
  /** Bytes of hot renditions kept in memory. */
  memoryBytes: number;
  /** Renditions generated at once (each decodes a whole original, if at reduced scale). */
  concurrency: number;
  quality: number;
}

/**
 * Screen-sized renditions (`GET /preview`, media/SPEC.md RN…): what the compare panes and the
 * viewer show before, or instead of, a large original. A GeneratedCache of its own: memory LRU →
 * disk cache → a bounded queue (a grid full of thumbnails must not hold up the compare
 * view, nor the reverse); concurrent requests share a job, and a job nobody waits for is dropped.
 */
export class RenditionService {
  private readonly cache: GeneratedCache;

  constructor(
    private readonly source: ThumbnailSource,
    workspace: Workspace,
    private readonly options: RenditionOptions,
    log?: Logger,
  ) {
    this.cache = new GeneratedCache(
      workspace,
      {
        diskCache: options.diskCache,
        memoryBytes: options.memoryBytes,
        concurrency: options.concurrency,
        diskPath: (key) => join(workspace.thumbsDir, 'previews', key.slice(0, 2), key),
        label: 'rendition',
      },
      log,
    );
  }

  /**
   * The cache key (and ETag) of item `id`'s rendition for a width of `px`: the item's identity,
   * size and mtime (its media stamp), the rendition edge and quality. No I/O.
   */
  keyOf(id: number, px: number): string {
    const edge = renditionEdge(px);
    const c = this.source.catalog;
    const identity = c.sources[id] ?? c.paths[id]!;
    return createHash('sha1').update(`rendition|${identity}|${c.bytes[id]}|${c.added[id]}|${edge}|${this.options.quality}`).digest('hex');
  }

  /** The rendition of item `id` for a width of `px` (rounded up to a rendition edge). */
  async get(id: number, px: number, signal?: AbortSignal): Promise<Rendition & { key: string }> {
    const edge = renditionEdge(px);
    const key = this.keyOf(id, px);
    const body = await this.cache.get(key, () => this.make(id, edge), signal);
    return { body, type: renditionTypeOf(body), key };
  }

  stats(): { memoryBytes: number; memoryItems: number; queued: number; active: number } {
    return this.cache.stats();
  }

  private async make(id: number, edge: number): Promise<Buffer> {
    const item = await this.source.openItem(id);
    const input = item.kind === 'file' ? item.absPath : await item.read();
    return (await makeRendition(input, edge, this.options.quality)).body;
  }
}
