import type { LabelIndex } from '../query/label-index.js';
import { Tally } from './tally.js';

/**
 * The labels of a filtered set counted from the query engine's label index by entry (PR4): what
 * `Tally.add` counts item by item, here in typed arrays by star, flag, tag number and writer
 * number, so tens of thousands of labeled items cost no snapshot read and no Map update each.
 */
export class ScopeCounts {
  private index: LabelIndex | undefined;
  private labeled = 0;
  private readonly stars = new Float64Array(6);
  private pick = 0;
  private reject = 0;
  private tags = new Float64Array(0);
  private writers = new Float64Array(0);

  /** One item with labels: entry `entry` of `index` (the same index for every call). */
  add(index: LabelIndex, entry: number): void {
    if (this.index !== index) this.start(index);
    if (!index.labeled[entry]) return;
    this.labeled++;
    this.stars[index.stars[entry]!]!++;
    const flag = index.flags[entry]!;
    if (flag === 1) this.pick++;
    else if (flag === 2) this.reject++;
    const tags = index.tags[entry]!;
    for (let i = 0; i < tags.length; i++) this.tags[tags[i]!]!++;
    const writer = index.writers[entry]!;
    if (writer >= 0) this.writers[writer]!++;
  }

  /** The counts as a Tally (labels only: the caller adds the edits). */
  tally(): Tally {
    const tally = new Tally();
    const index = this.index;
    if (!index) return tally;
    tally.labeled = this.labeled;
    // Star 0 is unrated: a Tally does not count it (total minus the rated).
    for (let star = 1; star <= 5; star++) tally.stars[star] = this.stars[star]!;
    tally.pick = this.pick;
    tally.reject = this.reject;
    for (let n = 0; n < this.tags.length; n++) if (this.tags[n]! > 0) tally.tags.set(index.tagNames[n]!, this.tags[n]!);
    for (let n = 0; n < this.writers.length; n++) if (this.writers[n]! > 0) tally.writers.set(index.writerNames[n]!, this.writers[n]!);
    return tally;
  }

  private start(index: LabelIndex): void {
    this.index = index;
    this.tags = new Float64Array(index.tagNames.length);
    this.writers = new Float64Array(index.writerNames.length);
  }
}
