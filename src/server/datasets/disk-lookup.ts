import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { mimeForName } from '../media/formats.js';

/** What a canonical path names on disk, by the rules the folder scan lists by. */
export type DiskEntry = { kind: 'file'; abs: string; type: string } | { kind: 'dir'; abs: string; dirs: string[] };

type EntryKind = 'dir' | 'file' | 'other';

/** Long enough to serve a grid's burst of thumbnail requests from one read of a big folder. */
const LISTING_TTL_MS = 1000;
const MAX_LISTINGS = 256;

/**
 * Finds a path on disk while the index is still being built, answering only where the scan is
 * certain to list the same path: every segment must be an entry of its parent's listing by that
 * exact name (a case-insensitive disk would otherwise accept `/A.JPG` for `a.jpg`), no segment
 * hidden, a symlink, or the workspace. Paths through links are left to the scan, whose rules
 * for aliases decide what it lists. Folder listings are shared for a second, so a burst of
 * requests into a folder of 20,000 files reads it once.
 */
export class DiskLookup {
  private readonly listings = new Map<string, { at: number; entries: Promise<Map<string, EntryKind> | undefined> }>();
  private readonly skip: Set<string>;

  constructor(
    private readonly rootReal: string,
    skipReal: readonly string[],
  ) {
    this.skip = new Set(skipReal);
  }

  async find(path: string): Promise<DiskEntry | undefined> {
    const segments = path === '/' ? [] : path.slice(1).split('/');
    let abs = this.rootReal;
    for (let i = 0; i < segments.length; i++) {
      const name = segments[i]!;
      if (name.startsWith('.')) return undefined;
      const kind = (await this.list(abs))?.get(name);
      abs = join(abs, name);
      const last = i === segments.length - 1;
      if (kind === 'file' && last) {
        const type = mimeForName(name);
        return type ? { kind: 'file', abs, type } : undefined;
      }
      if (kind !== 'dir' || this.skip.has(abs)) return undefined;
    }
    const entries = await this.list(abs);
    if (!entries) return undefined;
    const dirs: string[] = [];
    for (const [name, kind] of entries) if (kind === 'dir' && !name.startsWith('.') && !this.skip.has(join(abs, name))) dirs.push(name);
    return { kind: 'dir', abs, dirs };
  }

  private list(abs: string): Promise<Map<string, EntryKind> | undefined> {
    const now = Date.now();
    const cached = this.listings.get(abs);
    if (cached && now - cached.at < LISTING_TTL_MS) return cached.entries;
    const entries = readdir(abs, { withFileTypes: true }).then(
      (dirents) => new Map(dirents.map((d): [string, EntryKind] => [d.name, d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other'])),
      () => undefined, // unreadable: the scan skips it too
    );
    this.listings.delete(abs);
    this.listings.set(abs, { at: now, entries });
    if (this.listings.size > MAX_LISTINGS) this.listings.delete(this.listings.keys().next().value as string);
    return entries;
  }
}
