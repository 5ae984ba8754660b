import type { LabelIndex } from '../query/label-index.js';
import { Tally } from './tally.js';

/**
 * The labels of a filtered set (`ids`, the first `count`) counted from the query engine's label
 * index by entry (PR4): what `Tally.add` counts item by item, here in typed arrays by star, flag,
 * tag number and writer number, so tens of thousands of labeled items cost no snapshot read and
 * no Map update each. `members` has a byte set per id of the set (`markMembers`). The edits are
 * the caller's to add.
 */
export function countLabels(ids: Int32Array, count: number, index: LabelIndex, members: Uint8Array): Tally {
  const stars = new Float64Array(6);
  const flags = new Float64Array(3);
  const tags = new Float64Array(index.tagNames.length);
  const writers = new Float64Array(index.writerNames.length);
  const labeled = countEntries(ids, count, index.positionOf, index.labeled, index.stars, index.flags, index.tagMasks, index.writers, stars, flags, tags, writers);
  // Tags past the mask, for the few entries that have any: those labeled and in the set.
  for (const [entry, more] of index.moreTags) {
    if (index.labeled[entry] && members[index.ids[entry]!]) for (const n of more) tags[n]!++;
  }
  const tally = new Tally();
  tally.labeled = labeled;
  // Star 0 is unrated: a Tally does not count it (total minus the rated).
  for (let star = 1; star <= 5; star++) tally.stars[star] = stars[star]!;
  tally.pick = flags[1]!;
  tally.reject = flags[2]!;
  for (let n = 0; n < tags.length; n++) if (tags[n]! > 0) tally.tags.set(index.tagNames[n]!, tags[n]!);
  for (let n = 0; n < writers.length; n++) if (writers[n]! > 0) tally.writers.set(index.writerNames[n]!, writers[n]!);
  return tally;
}

/** Sets `members[id]` for each of the ids. */
export function markMembers(ids: Int32Array, count: number, members: Uint8Array): void {
  for (let i = 0; i < count; i++) members[ids[i]!] = 1;
}

/**
 * The pass over the ids, a function of its own with nothing after its loop, so V8 optimizes it
 * whole rather than entering it at the loop and deoptimizing after it (once per request).
 */
function countEntries(
  ids: Int32Array,
  count: number,
  positionOf: Int32Array,
  labeledOf: Uint8Array,
  starOf: Uint8Array,
  flagOf: Uint8Array,
  tagMasks: Uint32Array,
  writerOf: Int32Array,
  stars: Float64Array,
  flags: Float64Array,
  tags: Float64Array,
  writers: Float64Array,
): number {
  let labeled = 0;
  const known = positionOf.length;
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    const entry = id < known ? positionOf[id]! : -1;
    if (entry < 0 || !labeledOf[entry]) continue;
    labeled++;
    stars[starOf[entry]!]!++;
    flags[flagOf[entry]!]!++;
    for (let mask = tagMasks[entry]!; mask !== 0; mask &= mask - 1) tags[31 - Math.clz32(mask & -mask)]!++;
    const writer = writerOf[entry]!;
    if (writer >= 0) writers[writer]!++;
  }
  return labeled;
}
