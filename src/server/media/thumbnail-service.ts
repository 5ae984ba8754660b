import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import type { Logger } from '../lib/logger.js';
import type { Workspace } from '../workspace.js';
import { GeneratedCache } from './generated-cache.js';
import type { ImageBytes } from './image-bytes.js';
import { makeThumbnail, makeThumbnailAndHash, type ThumbnailSpec } from './thumbnailer.js';

export interface ThumbnailOptions extends ThumbnailSpec {
  /** Keep generated thumbnails in `<workspace>/thumbs/`. */
  diskCache: boolean;
  /** Bytes of hot thumbnails kept in memory. */
  memoryBytes: number;
  /** Thumbnails generated at once (each is one sharp pipeline on the libuv pool). */
  concurrency: number;
}

export { AbortedError } from './generated-cache.js';

/** What thumbnails need from a dataset: identity fields for the key, and the bytes. */
export interface ThumbnailSource {
  readonly catalog: Pick<Catalog, 'sources' | 'paths' | 'bytes' | 'added'>;
  openItem(id: number): Promise<ImageBytes>;
}

/**
 * Who wants an item's perceptual hash (duplicates/): a thumbnail being made for an item without one
 * computes it from the same decode. `wants` answers where the hash goes, or undefined.
 */
export interface ThumbnailHashSink {
  wants(id: number): ((phash: bigint | null) => void) | undefined;
}

/**
 * Thumbnails through a GeneratedCache: memory LRU → disk cache → bounded generation queue. A
 * thumbnail made for an item without a perceptual hash computes the hash from the same decode.
 */
export class ThumbnailService {
  private readonly cache: GeneratedCache;
  private hashSink: ThumbnailHashSink | undefined;

  constructor(
    private readonly source: ThumbnailSource,
    workspace: Workspace,
    private readonly options: ThumbnailOptions,
    log?: Logger,
  ) {
    this.cache = new GeneratedCache(
      workspace,
      {
        diskCache: options.diskCache,
        memoryBytes: options.memoryBytes,
        concurrency: options.concurrency,
        diskPath: (key) => join(workspace.thumbsDir, key.slice(0, 2), `${key}.webp`),
        label: 'thumbnail',
      },
      log,
    );
  }

  /**
   * The cache key: item identity, size, mtime and thumbnail settings, so a changed source or
   * a different --thumb-size gets a new thumbnail. Cheap: no I/O.
   */
  keyOf(id: number): string {
    const c = this.source.catalog;
    const identity = c.sources[id] ?? c.paths[id]!;
    return createHash('sha1')
      .update(`${identity}|${c.bytes[id]}|${c.added[id]}|${this.options.size}|${this.options.quality}`)
      .digest('hex');
  }

  /** Hashes go there from now on (set once the duplicates service exists). */
  shareDecodesWith(sink: ThumbnailHashSink): void {
    this.hashSink = sink;
  }

  async get(id: number, signal?: AbortSignal): Promise<{ body: Buffer; key: string }> {
    const key = this.keyOf(id);
    const body = await this.cache.get(key, () => this.make(id), signal);
    return { body, key };
  }

  stats(): { memoryBytes: number; memoryItems: number; queued: number; active: number } {
    return this.cache.stats();
  }

  private async make(id: number): Promise<Buffer> {
    const item = await this.source.openItem(id);
    const input = item.kind === 'file' ? item.absPath : await item.read();
    const hashTo = this.hashSink?.wants(id);
    if (!hashTo) return makeThumbnail(input, this.options);
    const made = await makeThumbnailAndHash(input, this.options);
    hashTo(made.phash);
    return made.body;
  }
}
