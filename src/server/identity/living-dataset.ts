import { MAX_CHANGE_PATHS, type ItemMoved, type ItemsChangedSet } from '../../protocol/events.js';
import { parentPath } from '../../protocol/paths.js';
import type { DatasetChange, DatasetSource, LabelSeed, WatchStatus } from '../datasets/dataset-source.js';
import { applyLabelSeeds, type SeedTarget } from '../datasets/parquet-seeds.js';
import type { ChangeFeed } from '../events/change-feed.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import type { LabelMove, MoveResult } from '../labels/label-store.js';
import type { IdentityStrategy } from './identity-strategy.js';

/** What the coordinator needs from the label service (`LabelService.moveItems`, SPEC LV9). */
export interface MoveTarget extends LabelLookup {
  /** One result per move, in order; `moved` ones were committed and published as durable `item-moved`. */
  moveItems(moves: readonly LabelMove[], actor: string): Promise<readonly MoveResult[]>;
}

export interface LivingDatasetOptions {
  source: DatasetSource;
  /** Null without labels: changes are still announced, nothing is moved in a store. */
  labels: MoveTarget | null;
  feed: ChangeFeed;
  strategy: IdentityStrategy;
  /**
   * Where a reloaded table's label columns go for rows it did not have before (the label service);
   * null without labels. Items the store already has a row for keep their labels (SPEC LS16).
   */
  seeds?: SeedTarget | null;
  /** Start the source's watcher (`DatasetSource.watch`) along with the coordinator. */
  watch: boolean;
  log: (line: string) => void;
  now?: () => number;
}

/** For a dataset without a way to tell moved items (or fingerprinting turned off): no moves. */
export const NO_MOVES: IdentityStrategy = {
  initial: async () => [],
  movesFor: async () => [],
  close: async () => {},
};

/** `updated_by` of moves the server found by itself. */
export const MOVED_BY = 'lenslet';

/**
 * Keeps labels and browsers in step with a dataset that changes under the server (issue 16): once
 * indexing is done, the strategy's initial moves are applied (before a table's label columns are
 * seeded, see `ready`); then each change the source reports becomes moves (labels follow, through
 * the label service) and `items-added` / `items-removed` / `item-changed` events. Changes are handled
 * one at a time, in the order they came, so a later change never overtakes the moves of an earlier one.
 */
export class LivingDataset {
  /** Settles once the initial moves are applied (or failed): a table's seeds may go in after it. */
  readonly ready: Promise<void>;
  private chain: Promise<void>;
  private readonly unsubscribe: () => void;
  private readonly now: () => number;
  private begin!: () => void;
  /** How moves are told (tests and the bench wait on a fingerprint strategy's pass). */
  readonly strategy: IdentityStrategy;
  private closed = false;

  constructor(private readonly options: LivingDatasetOptions) {
    this.now = options.now ?? Date.now;
    this.strategy = options.strategy;
    // Held until `start`: before the source starts indexing, `whenIdle` would resolve on an empty catalog.
    this.ready = new Promise<void>((resolve) => {
      this.begin = resolve;
    })
      .then(() => options.source.whenIdle())
      .then(() => (this.closed ? [] : options.strategy.initial()))
      .then(async (moves) => {
        if (moves.length > 0 && options.labels) await options.labels.moveItems(moves, MOVED_BY);
      })
      .catch((error: unknown) => options.log(`could not carry labels to moved items: ${(error as Error).message}`));
    this.chain = this.ready;
    // Subscribed at once: a change reported while the initial moves run waits for them, in order.
    this.unsubscribe =
      options.source.onChange?.((change) => {
        this.chain = this.chain.then(() => this.handle(change)).catch((error: unknown) => options.log(`could not apply a dataset change: ${(error as Error).message}`));
      }) ?? (() => {});
  }

  /** Whether the source watches itself, once `start` has set it up (`off` before). */
  watching: Promise<WatchStatus> = Promise.resolve({ kind: 'off' });

  /** Called once the source has started indexing: the initial moves follow it, and watching starts. */
  start(): Promise<WatchStatus> {
    this.begin();
    const { source, watch, log } = this.options;
    if (!watch || !source.watch) return this.watching;
    this.watching = source.watch({ log }).catch((error: unknown) => {
      log(`not watching for changes: ${(error as Error).message}`);
      return { kind: 'off' } as const;
    });
    return this.watching;
  }

  /** Resolves once every change reported so far has been handled (tests). */
  async settled(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.begin();
    this.unsubscribe();
    await this.settled();
    await this.options.strategy.close();
  }

  private async handle(change: DatasetChange): Promise<void> {
    const { labels, strategy } = this.options;
    const moves = await strategy.movesFor(change);
    let results: readonly MoveResult[] = [];
    if (moves.length > 0 && labels) {
      results = await labels.moveItems(moves, MOVED_BY).catch((error: unknown) => {
        this.options.log(`could not carry labels to moved items: ${(error as Error).message}`);
        return [];
      });
    }
    moves.forEach((move, i) => {
      // A labeled item's move was published by the label service, durable, with its event id.
      if (results[i]?.status !== 'moved') this.announceMove(move);
    });
    await this.seedAdded(change.added);
    const movedFrom = new Set(moves.map((m) => m.from));
    const movedTo = new Set(moves.map((m) => m.to));
    this.announceSet('items-removed', change.removed.filter((p) => !movedFrom.has(p)));
    this.announceSet('items-added', change.added.filter((p) => !movedTo.has(p)));
    const { catalog } = this.options.source;
    for (const path of change.changed) {
      const id = catalog.idOf(path);
      if (id === undefined) continue;
      this.options.feed.publish({ id: null, type: 'item-changed', data: { path, stamp: `${catalog.bytes[id]}-${catalog.added[id]}` } });
    }
  }

  /**
   * A move the store did not record (an unlabeled file, or a target that has labels of its own):
   * announced once, without an event id, so browsers still move the item and their selection.
   */
  private announceMove({ from, to }: LabelMove): void {
    const labels = this.options.labels?.peek(to);
    const data: ItemMoved = {
      from,
      to,
      version: labels?.version ?? 1,
      tags: labels?.tags ?? [],
      notes: labels?.notes ?? '',
      star: labels?.star ?? null,
      flag: labels?.flag ?? null,
      updated_at: new Date(this.now()).toISOString(),
      updated_by: MOVED_BY,
    };
    this.options.feed.publish({ id: null, type: 'item-moved', data });
  }

  /**
   * A reloaded table's new rows bring their `tags`/`star`/`notes` like the rows of the first load
   * did: seeded after the moves (a moved item's labels are never replaced by its row's columns).
   */
  private async seedAdded(added: readonly string[]): Promise<void> {
    const { seeds, source } = this.options;
    if (!seeds || !source.labelSeeds || added.length === 0) return;
    const wanted = new Set(added);
    const result = await applyLabelSeeds(seeds, onlyFor(source.labelSeeds(), wanted));
    if (result.skipped > 0) this.options.log(`${result.skipped} label seed(s) of the reloaded table break the label limits and were skipped`);
  }

  private announceSet(type: 'items-added' | 'items-removed', paths: string[]): void {
    if (paths.length === 0) return;
    const data: ItemsChangedSet = { paths: paths.slice(0, MAX_CHANGE_PATHS), count: paths.length, folders: foldersOf(paths) };
    this.options.feed.publish({ id: null, type, data });
  }
}

/** Every folder whose listing or counts changed: each path's parent and its ancestors up to the root. */
export function foldersOf(paths: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const path of paths) {
    for (let dir = parentPath(path); !folders.has(dir); dir = parentPath(dir)) {
      folders.add(dir);
      if (dir === '/') break;
    }
  }
  return [...folders].sort();
}

function* onlyFor(seeds: Iterable<LabelSeed>, paths: ReadonlySet<string>): Iterable<LabelSeed> {
  for (const seed of seeds) if (paths.has(seed.path)) yield seed;
}
