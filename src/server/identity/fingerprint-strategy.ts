import { baseName } from '../../protocol/paths.js';
import type { DatasetChange, DatasetSource } from '../datasets/dataset-source.js';
import type { LabelLookup, LabelSnapshot } from '../labels/label-lookup.js';
import type { LabelMove } from '../labels/label-store.js';
import type { CachedFingerprint, FingerprintCache } from './fingerprint-cache.js';
import type { Fingerprinter } from './fingerprinter.js';
import type { IdentityStrategy } from './identity-strategy.js';

export interface FingerprintStrategyOptions {
  source: DatasetSource;
  /** Labeled items are fingerprinted first: only their fingerprints matter when they vanish. */
  labels: LabelLookup;
  /** Owned: closed with the strategy. */
  cache: FingerprintCache;
  fingerprinter: Fingerprinter;
}

/**
 * A folder's identity: a path that vanished and a new path with the same content fingerprint are
 * one file moved. Every item is fingerprinted in the background (cached by path, size and mtime),
 * so a vanished file's fingerprint is known; a new file is hashed when it arrives only if its size
 * is that of a vanished one, since no other could be its move.
 */
export class FingerprintStrategy implements IdentityStrategy {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private running: Promise<void> | undefined;
  private closed = false;
  /**
   * Labeled files that are gone, with their last fingerprint (kept in the cache across restarts):
   * when a file with that content appears again, under any new path, the labels re-attach to it.
   */
  private readonly orphans = new Map<string, CachedFingerprint>();

  constructor(private readonly options: FingerprintStrategyOptions) {}

  /**
   * Files moved while the server was not running: a labeled path that is gone now, whose fingerprint
   * is cached from the last run, and a path the cache has never seen with that fingerprint are one
   * file moved. Only new files of a vanished one's size are hashed before answering; the rest of the
   * tree is fingerprinted in the background (labeled items first).
   */
  async initial(): Promise<LabelMove[]> {
    const { source, labels, cache } = this.options;
    const { catalog } = source;
    labels.forEachLabeled((path) => {
      if (catalog.idOf(path) !== undefined) this.enqueue(path);
      else {
        const last = cache.entry(path);
        if (last) this.orphans.set(path, last);
      }
    });
    let moves: LabelMove[] = [];
    if (this.orphans.size > 0) {
      const sizes = new Set([...this.orphans.values()].map((e) => e.size));
      const arrived = new Map<string, CachedFingerprint>();
      for (let id = 0; id < catalog.size && !this.closed; id++) {
        const path = catalog.paths[id];
        if (path === undefined || !catalog.alive[id] || !sizes.has(catalog.bytes[id]!) || cache.entry(path)) continue;
        const value = await this.fingerprint(path);
        if (value) arrived.set(path, value);
      }
      moves = pair(this.orphans, arrived);
      for (const move of moves) this.orphans.delete(move.from);
      cache.apply({ removed: moves.map((m) => m.from) });
      for (const [path, value] of arrived) cache.put(path, value);
    }
    for (let id = 0; id < catalog.size; id++) {
      const path = catalog.paths[id];
      if (path !== undefined && catalog.alive[id]) this.enqueue(path);
    }
    this.pump();
    return moves;
  }

  /** Resolves once every item queued so far has a fingerprint (tests, the bench). */
  async whenFingerprinted(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Cache hits and misses so far (a restart over an unchanged tree hashes nothing). */
  get cacheStats(): { hits: number; misses: number } {
    return { ...this.options.cache.stats };
  }

  async movesFor(change: DatasetChange): Promise<LabelMove[]> {
    const { cache, labels } = this.options;
    // Labeled files deleted earlier come back too, when their content does.
    const gone = new Map<string, CachedFingerprint>(this.orphans);
    for (const path of change.removed) {
      const entry = cache.entry(path);
      if (entry) gone.set(path, entry);
    }
    const sizes = new Set([...gone.values()].map((e) => e.size));
    const arrived = new Map<string, CachedFingerprint>();
    for (const path of change.added) {
      const id = this.options.source.catalog.idOf(path);
      if (id === undefined || !sizes.has(this.options.source.catalog.bytes[id]!)) continue;
      const value = await this.fingerprint(path);
      if (value) arrived.set(path, value);
    }
    const moves = pair(gone, arrived);
    const movedFrom = new Set(moves.map((m) => m.from));
    const dropped: string[] = [...movedFrom];
    for (const path of change.removed) {
      if (movedFrom.has(path)) continue;
      const last = gone.get(path);
      // A labeled file that is gone keeps its fingerprint (its labels stay, as an orphan, until it is back).
      if (last && hasLabels(labels.peek(path))) this.orphans.set(path, last);
      else dropped.push(path);
    }
    for (const path of movedFrom) this.orphans.delete(path);
    cache.apply({ removed: dropped });
    for (const [path, value] of arrived) cache.put(path, value);
    for (const path of change.added) if (!arrived.has(path)) this.enqueue(path);
    // A rewritten file's cached entry no longer matches its size or mtime: hashed again.
    for (const path of change.changed) this.enqueue(path);
    this.pump();
    return moves;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.running;
    this.options.cache.close();
  }

  private enqueue(path: string): void {
    if (this.queued.has(path)) return;
    this.queued.add(path);
    this.queue.push(path);
  }

  private pump(): void {
    if (this.running || this.closed || this.queue.length === 0) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      this.pump();
    });
  }

  /** One file at a time, yielding between files, so requests keep being answered on 2 cores. */
  private async drain(): Promise<void> {
    for (let path = this.queue.shift(); path !== undefined && !this.closed; path = this.queue.shift()) {
      this.queued.delete(path);
      const value = await this.fingerprint(path);
      if (value) this.options.cache.put(path, value);
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.options.cache.persist();
  }

  /** The item's fingerprint, from the cache when its size and mtime match; undefined when it is not a readable local file. */
  private async fingerprint(path: string): Promise<CachedFingerprint | undefined> {
    const { source, cache, fingerprinter } = this.options;
    const id = source.catalog.idOf(path);
    if (id === undefined || !source.catalog.alive[id]) return undefined;
    const hash = cache.lookup(path, source.catalog.bytes[id]!, source.catalog.added[id]!);
    if (hash) return { size: source.catalog.bytes[id]!, mtimeMs: source.catalog.added[id]!, hash };
    try {
      const bytes = await source.openItem(id);
      if (bytes.kind !== 'file') return undefined;
      return await fingerprinter.hashFile(bytes.absPath);
    } catch {
      return undefined; // gone again, or unreadable: no fingerprint, no move
    }
  }
}

function hasLabels(s: LabelSnapshot | undefined): boolean {
  return s !== undefined && (s.star !== null || s.tags.length > 0 || s.notes !== '' || Object.keys(s.metrics).length > 0);
}

/** Above this many (vanished × new) pairs of one fingerprint, `pairInBulk` pairs them. */
const MAX_CANDIDATES = 4096;

/**
 * Pairs vanished and new paths with equal fingerprints, each at most once: the same base name
 * first, then the nearest path (most leading folders in common), then path order for a stable result.
 */
export function pair(gone: ReadonlyMap<string, CachedFingerprint>, arrived: ReadonlyMap<string, CachedFingerprint>): LabelMove[] {
  const byHash = new Map<string, { from: string[]; to: string[] }>();
  for (const [path, { hash }] of gone) groupOf(byHash, hash).from.push(path);
  for (const [path, { hash }] of arrived) groupOf(byHash, hash).to.push(path);
  const moves: LabelMove[] = [];
  for (const { from, to } of byHash.values()) {
    if (from.length === 0 || to.length === 0) continue;
    if (from.length * to.length > MAX_CANDIDATES) {
      moves.push(...pairInBulk(from, to));
      continue;
    }
    const candidates = from.flatMap((f) => to.map((t) => ({ from: f, to: t, sameName: baseName(f) === baseName(t), shared: sharedFolders(f, t) })));
    candidates.sort((a, b) => Number(b.sameName) - Number(a.sameName) || b.shared - a.shared || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
    const usedFrom = new Set<string>();
    const usedTo = new Set<string>();
    for (const c of candidates) {
      if (usedFrom.has(c.from) || usedTo.has(c.to)) continue;
      usedFrom.add(c.from);
      usedTo.add(c.to);
      moves.push({ from: c.from, to: c.to });
    }
  }
  return moves;
}

/** Many identical files (blank frames): pair by base name, then in path order, without weighing every pair. */
function pairInBulk(from: string[], to: string[]): LabelMove[] {
  const moves: LabelMove[] = [];
  const byName = new Map<string, string[]>();
  for (const f of [...from].sort().reverse()) {
    const list = byName.get(baseName(f));
    if (list) list.push(f);
    else byName.set(baseName(f), [f]);
  }
  const used = new Set<string>();
  const rest: string[] = [];
  for (const t of [...to].sort()) {
    const f = byName.get(baseName(t))?.pop();
    if (f === undefined) rest.push(t);
    else {
      used.add(f);
      moves.push({ from: f, to: t });
    }
  }
  const left = from.filter((f) => !used.has(f)).sort();
  for (let i = 0; i < Math.min(left.length, rest.length); i++) moves.push({ from: left[i]!, to: rest[i]! });
  return moves;
}

function groupOf(groups: Map<string, { from: string[]; to: string[] }>, hash: string): { from: string[]; to: string[] } {
  let group = groups.get(hash);
  if (!group) {
    group = { from: [], to: [] };
    groups.set(hash, group);
  }
  return group;
}

function sharedFolders(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  let n = 0;
  while (n < x.length - 1 && n < y.length - 1 && x[n] === y[n]) n++;
  return n;
}
