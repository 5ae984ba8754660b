import { isWithin, parentPath } from '../../protocol/paths.js';
import { TIMELINE_HOURS } from '../../protocol/progress.js';
import type { LabelSnapshot } from '../labels/label-lookup.js';
import type { ProjectionListener } from '../labels/label-projection.js';
import { HOUR_MS, Tally } from './tally.js';

/**
 * Progress counters per folder (its direct items only), kept current from the label projection's
 * changes and from label writes, so the stats of any subtree are the sum of its folders' tallies:
 * O(folders), never O(items), per request (PR1). An item counts in the folder it is in now; a
 * write counts in the folder its item was in when it was written.
 */
export class FolderCounters implements ProjectionListener {
  private readonly folders = new Map<string, Tally>();

  changed(path: string, before: LabelSnapshot | undefined, after: LabelSnapshot | undefined): void {
    const tally = this.tallyOf(parentPath(path));
    tally.add(before, -1);
    tally.add(after, 1);
  }

  cleared(): void {
    for (const tally of this.folders.values()) tally.clearLabels();
  }

  /** A label write to `path` by `user` at `atMs`. */
  edit(path: string, user: string, atMs: number): void {
    const tally = this.tallyOf(parentPath(path));
    tally.edit(user, atMs);
    // A week of hours is all the timeline shows; older buckets go once a folder holds a day more.
    if (tally.hours.size > TIMELINE_HOURS + 24) tally.forgetHoursBefore(Math.floor(atMs / HOUR_MS) - TIMELINE_HOURS);
  }

  /** The folder's tally (`recursive`: summed over its subtree). */
  sum(folder: string, recursive: boolean): Tally {
    const total = new Tally();
    if (!recursive) {
      const own = this.folders.get(folder);
      if (own) total.merge(own);
      return total;
    }
    for (const [path, tally] of this.folders) if (isWithin(path, folder)) total.merge(tally);
    return total;
  }

  get folderCount(): number {
    return this.folders.size;
  }

  private tallyOf(folder: string): Tally {
    let tally = this.folders.get(folder);
    if (!tally) {
      tally = new Tally();
      this.folders.set(folder, tally);
    }
    return tally;
  }
}
