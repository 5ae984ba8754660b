/**
 * Which entries of a served folder are visible, and under which paths (SPEC.md DS13–DS16).
 * Sync fs on purpose: the scan worker walks with it, and resolving one path is a few syscalls.
 *
 * - Only what resolves inside the root and outside the workspace is visible; a link leading
 *   out of the root, or into the workspace, is skipped (and refused when served).
 * - A folder is walked once, by device + inode, at its own path: a link to a folder that is
 *   already visible at its own path is not followed, so link loops and links to ancestors add
 *   nothing. A link to a folder that is not visible itself (inside a hidden folder) is followed
 *   at the first path found, once.
 * - A file link is an entry of its folder like any file: listed at its own path.
 */
import { type BigIntStats, realpathSync, statSync } from 'node:fs';
import { basename, relative, sep } from 'node:path';
import { mimeForName } from '../media/formats.js';
import { isBelow } from './inside-root.js';

export interface TreeBounds {
  rootReal: string;
  /** Real paths of folders that are never part of the dataset (the workspace). */
  skipReal: readonly string[];
}

/** Inside the root (or the root) and outside the workspace. */
export function inTree(bounds: TreeBounds, real: string): boolean {
  if (real !== bounds.rootReal && !isBelow(bounds.rootReal, real)) return false;
  return !bounds.skipReal.some((skip) => real === skip || isBelow(skip, real));
}

/** Whether a real path is listed at its own path by the walk: no hidden segment, and a file has an image name. */
export function visibleAtOwnPath(bounds: TreeBounds, real: string, isDir: boolean): boolean {
  if (!inTree(bounds, real)) return false;
  const rel = relative(bounds.rootReal, real);
  if (rel !== '' && rel.split(sep).some((segment) => segment.startsWith('.'))) return false;
  return isDir || mimeForName(basename(real)) !== undefined;
}

/** Identity of a folder, whatever path reaches it (bind mounts included). */
export function folderKey(stat: BigIntStats): string {
  return `d:${stat.dev}:${stat.ino}`;
}

export type LinkTarget = { real: string; dir: true; key: string } | { real: string; dir: false; size: number; mtimeMs: number };

/**
 * Where the symlink at `linkPath` leads, if the walk follows it: a file inside the tree, or a
 * folder inside the tree that is not visible at its own path. undefined: skip the link.
 */
export function followLink(bounds: TreeBounds, linkPath: string): LinkTarget | undefined {
  let real: string;
  let stat: BigIntStats;
  try {
    real = realpathSync(linkPath);
    stat = statSync(real, { bigint: true });
  } catch {
    return undefined; // dangling
  }
  if (!inTree(bounds, real)) return undefined;
  if (stat.isFile()) return { real, dir: false, size: Number(stat.size), mtimeMs: Number(stat.mtimeMs) };
  if (!stat.isDirectory() || visibleAtOwnPath(bounds, real, true)) return undefined;
  return { real, dir: true, key: folderKey(stat) };
}

/**
 * The real folder a canonical folder path names, following the walk's rules segment by segment;
 * undefined when the walk would not list that path (hidden, outside, an alias through a link).
 * `claims`: link targets already listed elsewhere (key → canonical path).
 */
export function resolveVisibleFolder(bounds: TreeBounds, path: string, claims: ReadonlyMap<string, string>): string | undefined {
  let real = bounds.rootReal;
  let prefix = '';
  for (const segment of path.split('/').filter(Boolean)) {
    if (segment.startsWith('.')) return undefined;
    prefix += `/${segment}`;
    const next = `${real}${real.endsWith(sep) ? '' : sep}${segment}`;
    let linked: string;
    try {
      linked = realpathSync(next);
    } catch {
      return undefined;
    }
    if (linked === next) {
      // A real folder (no link on the way): visible unless it is the workspace.
      if (!inTree(bounds, linked) || !statSync(linked).isDirectory()) return undefined;
      real = linked;
      continue;
    }
    const target = followLink(bounds, next);
    if (!target?.dir) return undefined;
    const claimedBy = claims.get(target.key);
    if (claimedBy !== undefined && claimedBy !== prefix) return undefined;
    real = target.real;
  }
  return real;
}
