import { parentPath } from '../../protocol/paths.js';
import { TIMELINE_HOURS } from '../../protocol/progress.js';
import type { LabelSnapshot } from '../labels/label-lookup.js';
import type { ProjectionListener } from '../labels/label-projection.js';
import { HOUR_MS, Tally } from './tally.js';

const EMPTY = new Tally();

/**
 * Progress counters per folder, kept current from the label projection's changes and from label
 * writes (PR1). Each folder has two tallies: its direct items (`own`), and its whole subtree
 * (`tree`), which every change also adds to on its way up. A subtree's stats are thus the sum of
 * its folders' own tallies, summed ahead of time: a request reads one tally whatever the number
 * of folders or items below, and a change costs one update per level above it (a few). An item
 * counts in the folder it is in now; a write counts in the folder its item was in when written.
 */
export class FolderCounters implements ProjectionListener {
  private readonly own = new Map<string, Tally>();
  private readonly tree = new Map<string, Tally>();

  changed(path: string, before: LabelSnapshot | undefined, after: LabelSnapshot | undefined): void {
    this.eachLevel(parentPath(path), (tally) => {
      tally.add(before, -1);
      tally.add(after, 1);
    });
  }

  cleared(): void {
    for (const tally of this.own.values()) tally.clearLabels();
    for (const tally of this.tree.values()) tally.clearLabels();
  }

  /** A label write to `path` by `user` at `atMs`. */
  edit(path: string, user: string, atMs: number): void {
    const oldest = Math.floor(atMs / HOUR_MS) - TIMELINE_HOURS;
    this.eachLevel(parentPath(path), (tally) => {
      tally.edit(user, atMs);
      // A week of hours is all the timeline shows; older buckets go once a tally holds a day more.
      if (tally.hours.size > TIMELINE_HOURS + 24) tally.forgetHoursBefore(oldest);
    });
  }

  /** The folder's tally (`recursive`: its whole subtree). Read only: it is the live one. */
  sum(folder: string, recursive: boolean): Tally {
    return (recursive ? this.tree : this.own).get(folder) ?? EMPTY;
  }

  get folderCount(): number {
    return this.own.size;
  }

  /** Runs `update` on the folder's own tally and on the subtree tally of it and of every folder above it. */
  private eachLevel(folder: string, update: (tally: Tally) => void): void {
    update(tallyOf(this.own, folder));
    let at = folder;
    for (;;) {
      update(tallyOf(this.tree, at));
      if (at === '/') return;
      at = parentPath(at);
    }
  }
}

function tallyOf(map: Map<string, Tally>, folder: string): Tally {
  let tally = map.get(folder);
  if (!tally) {
    tally = new Tally();
    map.set(folder, tally);
  }
  return tally;
}
