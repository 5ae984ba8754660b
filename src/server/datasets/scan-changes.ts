import { lstat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { baseName } from '../../protocol/paths.js';
import type { Catalog } from '../catalog/catalog.js';
import { mimeForName } from '../media/formats.js';
import type { DatasetChange } from './dataset-source.js';
import { probeFile } from './scan-probe.js';
import { followLink, inTree, type TreeBounds } from './visible-tree.js';

type Kind = 'added' | 'removed' | 'changed';

/**
 * The net change of one refresh or one batch of watcher events, per canonical path: a path
 * added then removed again is no change, one removed then added again is a rewrite.
 */
export class ChangeLog {
  private readonly kinds = new Map<string, Kind>();

  add(path: string, kind: Kind): void {
    const before = this.kinds.get(path);
    if (before === undefined) this.kinds.set(path, kind);
    else if (before === 'added' && kind === 'removed') this.kinds.delete(path);
    else if (before === 'removed' && kind === 'added') this.kinds.set(path, 'changed');
    else if (kind === 'removed') this.kinds.set(path, 'removed');
    // added + changed stays added; changed + changed stays changed
  }

  get empty(): boolean {
    return this.kinds.size === 0;
  }

  toChange(): DatasetChange {
    const change: DatasetChange = { added: [], removed: [], changed: [] };
    for (const [path, kind] of this.kinds) change[kind].push(path);
    return change;
  }
}

/** What a watcher saw at an absolute path; `create` also for the target of a rename. */
export type FsEventType = 'create' | 'update' | 'delete';

export interface EventTarget {
  readonly catalog: Catalog;
  readonly bounds: TreeBounds;
  /** Walks a subtree as `refresh` does (its rules for links and claims), logging what changed. */
  scanSubtree(path: string, log: ChangeLog): Promise<void>;
}

/**
 * Brings the catalog in line with the disk at the paths a watcher reported. The disk decides, not
 * the event: a batch is coalesced (a file deleted and recreated arrives as one `update`) and the
 * Linux backend reports paths under a renamed folder's old name too, so every path is looked at
 * again. Only what the events name is read: a new folder is walked, a known one never rescanned.
 */
export async function applyEvents(target: EventTarget, events: ReadonlyMap<string, FsEventType>, log: ChangeLog): Promise<void> {
  const { catalog, bounds } = target;
  const walked: string[] = [];
  const under = (path: string, dir: string) => dir === '/' || path === dir || path.startsWith(`${dir}/`);
  // Parents first, so a new folder is walked once and the events inside it need nothing more.
  const byPath = [...events]
    .map(([abs, type]) => ({ abs, type, path: canonicalOf(bounds.rootReal, abs) }))
    .filter((e): e is { abs: string; type: FsEventType; path: string } => e.path !== undefined)
    .sort((a, b) => a.path.length - b.path.length);
  for (const { abs, type, path } of byPath) {
    if (walked.some((dir) => under(path, dir))) continue;
    const info = await lstat(abs).catch(() => undefined);
    if (!info || !inTree(bounds, abs)) {
      removeUnder(catalog, path, log);
      continue;
    }
    if (info.isDirectory()) {
      // An attribute change on a folder the catalog lists changes none of its items.
      const known = catalog.dirOfPath(path);
      if (type !== 'create' && known && known.count > 0) continue;
      await target.scanSubtree(path, log);
      walked.push(path);
      continue;
    }
    if (info.isSymbolicLink()) {
      const link = followLink(bounds, abs);
      if (link?.dir) {
        await target.scanSubtree(path, log);
        walked.push(path);
      } else if (link) await upsertFile(catalog, path, link.real, link.size, link.mtimeMs, log);
      else removeUnder(catalog, path, log);
      continue;
    }
    if (info.isFile()) await upsertFile(catalog, path, abs, info.size, info.mtimeMs, log);
    else removeUnder(catalog, path, log);
  }
}

/** The canonical path of an absolute path under the root; undefined outside it or when hidden. */
function canonicalOf(rootReal: string, abs: string): string | undefined {
  const rel = relative(rootReal, abs);
  if (rel === '' || rel.startsWith('..')) return undefined;
  const segments = rel.split(sep);
  if (segments.some((s) => s.startsWith('.') || s === '')) return undefined;
  return `/${segments.join('/')}`;
}

async function upsertFile(catalog: Catalog, path: string, real: string, size: number, mtimeMs: number, log: ChangeLog): Promise<void> {
  const type = mimeForName(baseName(path));
  if (!type) {
    removeUnder(catalog, path, log);
    return;
  }
  // A folder replaced by a file of the same name: its items are gone.
  if (catalog.dirOfPath(path)) removeUnder(catalog, path, log);
  const id = catalog.idOf(path);
  const same = id !== undefined && catalog.bytes[id] === size && catalog.added[id] === mtimeMs && catalog.typeOf(id) === type;
  // An unchanged item with unknown dimensions was added by lookup(), which leaves them to the scan.
  if (same && catalog.width[id] !== 0) return;
  const dims = await probeFile(real);
  catalog.upsert({ path, type, size, addedMs: mtimeMs, w: dims?.w ?? 0, h: dims?.h ?? 0 });
  if (!same) log.add(path, id === undefined ? 'added' : 'changed');
}

/** Removes the item at `path`, or every item below the folder at `path`. */
function removeUnder(catalog: Catalog, path: string, log: ChangeLog): void {
  const id = catalog.idOf(path);
  if (id !== undefined) {
    catalog.remove(id);
    log.add(path, 'removed');
  }
  const dir = catalog.dirOfPath(path);
  if (!dir || dir.count === 0) return;
  const ids = catalog.itemIds(dir.id, true);
  catalog.removeMany(ids);
  for (const gone of ids) log.add(catalog.paths[gone]!, 'removed');
}
