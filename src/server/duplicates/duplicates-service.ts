import { DEFAULT_MAX_DISTANCE, DEFAULT_MIN_SCORE, type DuplicateGroup, type DuplicatesBody, type DuplicatesResponse } from '../../protocol/duplicates.js';
import { canonicalPath } from '../../protocol/paths.js';
import { AppError } from '../app-error.js';
import type { Catalog, DirNode } from '../catalog/catalog.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import { compareCodeUnits } from '../query/collation.js';
import { itemView } from '../query/item-view.js';
import { groupSteps, type HashGroup } from './hamming-groups.js';
import type { PerceptualHashes } from './perceptual-hashes.js';

/**
 * Where grouping by an embedding's cosine similarity plugs in (the embeddings service, issue 13,
 * DU9): `has` says whether an embedding of that name exists; `stamp` changes whenever its groups
 * could; `group` answers over the item ids in scope (sorted best first) with groups of positions
 * in them, best first, and the items in scope still waiting for a vector.
 */
export interface EmbeddingGrouper {
  has(embedding: string): boolean;
  stamp(embedding: string): string;
  group(embedding: string, ids: Int32Array, minScore: number): Promise<{ groups: { members: number[]; score: number }[]; pending: number }>;
}

export interface DuplicatesServiceOptions {
  catalog: Catalog;
  hashes: PerceptualHashes;
  labels: LabelLookup;
  /** Absent until embeddings exist: a body naming one is refused (`embedding_unknown`). */
  embeddings?: EmbeddingGrouper;
  /** True while the source is indexing: a folder not found yet is `indexing` (503), not missing. */
  indexing(): boolean;
}

/** `POST /duplicates`: near-duplicate groups under a folder (duplicates SPEC DU4, DU5). */
export class DuplicatesService {
  /**
   * The last grouping by hash, as item ids: the web view asks again after every keep/reject, and
   * labels change no group (items are rendered fresh from it each time).
   */
  private last: { key: string; grouping: Promise<Grouping> } | undefined;

  constructor(private readonly options: DuplicatesServiceOptions) {}

  async find(body: DuplicatesBody): Promise<DuplicatesResponse> {
    const { catalog, hashes, embeddings } = this.options;
    if (body.embedding !== undefined && !embeddings?.has(body.embedding)) {
      throw new AppError('embedding_unknown', `no embedding named ${JSON.stringify(body.embedding)}`);
    }
    const scope = this.scope(body.path, body.recursive);
    if (body.embedding !== undefined && embeddings) {
      const minScore = body.min_score ?? DEFAULT_MIN_SCORE;
      const key = `e\0${body.embedding}\0${body.path}\0${body.recursive}\0${minScore}\0${embeddings.stamp(body.embedding)}`;
      const { groups, pending = 0 } = await this.remembered(key, () => this.groupByEmbedding(embeddings, body.embedding!, scope, minScore));
      return { groups: groups.map((g) => this.view(g.ids, g.distance)), min_score: minScore, total: scope.length, pending };
    }
    const maxDistance = body.max_distance ?? DEFAULT_MAX_DISTANCE;
    const key = `${body.path}\0${body.recursive}\0${maxDistance}\0${hashes.generation}\0${catalog.generation}`;
    const { groups, hashed } = await this.remembered(key, () => this.groupByHash(scope, maxDistance));
    return {
      groups: groups.map((g) => this.view(g.ids, g.distance)),
      max_distance: maxDistance,
      total: scope.length,
      pending: scope.length - hashed - this.settledWithoutHash(scope),
    };
  }

  /** The last grouping again when nothing it depends on changed (`key`); a failed one is not kept. */
  private remembered(key: string, group: () => Promise<Grouping>): Promise<Grouping> {
    if (this.last?.key !== key) {
      const grouping = group();
      this.last = { key, grouping };
      grouping.catch(() => {
        if (this.last?.grouping === grouping) this.last = undefined;
      });
    }
    return this.last.grouping;
  }

  /** Cosine groups (DU9), ordered like the hash groups: members best first, groups by their first item's path. */
  private async groupByEmbedding(embeddings: EmbeddingGrouper, name: string, scope: Int32Array, minScore: number): Promise<Grouping> {
    const { catalog } = this.options;
    const best = scope.slice();
    sortBest(catalog, best);
    const found = await embeddings.group(name, best, minScore);
    const groups = found.groups.map((g) => ({ ids: g.members.map((m) => best[m]!), distance: g.score }));
    groups.sort((a, b) => compareCodeUnits(catalog.paths[a.ids[0]!]!, catalog.paths[b.ids[0]!]!));
    return { groups, hashed: 0, pending: found.pending };
  }

  /** Groups in steps, letting other requests in between (a second of CPU at 100k items). */
  private async groupByHash(scope: Int32Array, maxDistance: number): Promise<Grouping> {
    const { catalog, hashes } = this.options;
    const hashed = scope.filter((id) => hashes.has(id));
    sortBest(catalog, hashed);
    const hi = new Uint32Array(hashed.length);
    const lo = new Uint32Array(hashed.length);
    for (let i = 0; i < hashed.length; i++) {
      hi[i] = hashes.hi[hashed[i]!]!;
      lo[i] = hashes.lo[hashed[i]!]!;
    }
    const steps = groupSteps({ hi, lo, count: hashed.length }, maxDistance);
    let step = steps.next();
    while (!step.done) {
      await new Promise((resolve) => setImmediate(resolve));
      step = steps.next();
    }
    const found: HashGroup[] = step.value;
    const groups = found.map((g) => ({ ids: g.members.map((m) => hashed[m]!), distance: g.distance }));
    groups.sort((a, b) => compareCodeUnits(catalog.paths[a.ids[0]!]!, catalog.paths[b.ids[0]!]!));
    return { groups, hashed: hashed.length };
  }

  /** Items in scope that will never have a hash (unreadable, or remote and not fetched yet) do not count as pending. */
  private settledWithoutHash(scope: Int32Array): number {
    const { hashes } = this.options;
    let n = 0;
    for (const id of scope) if (!hashes.has(id) && hashes.state[id] !== 0 && hashes.state[id] !== undefined) n++;
    return n;
  }

  private view(ids: number[], distance: number): DuplicateGroup {
    const { catalog, labels } = this.options;
    return { items: ids.map((id) => itemView(catalog, id, labels.peek(catalog.paths[id]!))), distance };
  }

  /** The alive ids in the folder (and below it when `recursive`). */
  private scope(rawPath: string, recursive: boolean): Int32Array {
    const { catalog } = this.options;
    const canonical = canonicalPath(rawPath);
    if (!canonical.ok) throw new AppError('invalid_path', canonical.reason);
    const dir = catalog.dirOfPath(canonical.path);
    if (!dir) {
      if (this.options.indexing()) throw new AppError('indexing', 'the folder is not indexed yet');
      throw new AppError('folder_not_found', `no folder ${canonical.path}`);
    }
    const ids: number[] = [];
    const visit = (node: DirNode) => {
      for (const id of node.items) if (catalog.alive[id]) ids.push(id);
      if (recursive) for (const child of node.children) visit(catalog.dirs[child]!);
    };
    visit(dir);
    return Int32Array.from(ids);
  }
}

interface Grouping {
  groups: { ids: number[]; distance: number }[];
  hashed: number;
  /** Embeddings: items in scope still waiting for a vector. */
  pending?: number;
}

/** Best first: the most pixels, then the largest file, then path order (a stable keeper). */
function sortBest(catalog: Catalog, ids: Int32Array): void {
  const { width, height, bytes, paths } = catalog;
  ids.sort((a, b) => width[b]! * height[b]! - width[a]! * height[a]! || bytes[b]! - bytes[a]! || compareCodeUnits(paths[a]!, paths[b]!));
}
