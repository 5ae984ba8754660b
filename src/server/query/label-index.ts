import type { Catalog } from '../catalog/catalog.js';
import { hasLabelsOrMetrics, type LabelLookup, type LabelSnapshot } from '../labels/label-lookup.js';

/**
 * The labeled items resolved to catalog ids (labels are sparse next to a million-row catalog, so
 * walking them is cheaper than a `peek` per row). Entry `i` is item `ids[i]` with `labels[i]`, in
 * no order; the label fields filters and progress stats read are also kept in typed columns by
 * entry, so a pass over them reads no snapshot object. Read within one synchronous call: the
 * arrays are patched in place afterwards.
 */
export interface LabelIndex {
  ids: Int32Array;
  labels: LabelSnapshot[];
  /** Per catalog id (up to the catalog's size when built): its entry, or -1. */
  positionOf: Int32Array;
  /** Per entry: the star, 0 for null. */
  stars: Uint8Array;
  /** Per entry: 0 unflagged, 1 pick, 2 reject. */
  flags: Uint8Array;
  /** Per entry: 1 when it has any label (a star of 1–5, a tag, notes or a flag; metrics are not labels). */
  labeled: Uint8Array;
  /** Per entry: its last writer's number in `writerNames`, or -1. */
  writers: Int32Array;
  /**
   * Per entry: its tags numbered below 32 in `tagNames`, as bits (a dataset's first 32 tags: most
   * have fewer). A mask per entry keeps a pass over 400k entries in one typed array, where an
   * array of tags per entry costs a heap object read each.
   */
  tagMasks: Uint32Array;
  /** By entry, for the entries that have some: their tags numbered 32 and up. */
  moreTags: ReadonlyMap<number, Int32Array>;
  tagNames: readonly string[];
  tagNumbers: ReadonlyMap<string, number>;
  writerNames: readonly string[];
}

/**
 * Tells of label changes: `changed(path)` after a path's labels changed, `changed(undefined)` when
 * all of them may have (a reload). Returns the function that stops it.
 */
export type LabelWatch = (changed: (path: string | undefined) => void) => () => void;

/** Patching more paths than this at once: rebuilding costs less. */
const MAX_DIRTY = 65_536;
/** Tags numbered below this go in an entry's mask. */
export const MASKED_TAGS = 32;

/**
 * The label index, kept current (L9). With a `watch`, the paths whose labels changed since the
 * last read are patched in (a lookup each), so a write costs the next query microseconds instead
 * of a walk of every labeled item; without one it is rebuilt whenever `stamp` (the label revision)
 * moves, or at every read when there is no stamp. A change of the catalog's structure (ids alive
 * or added) rebuilds it.
 */
export class LiveLabelIndex {
  private ids = new Int32Array(0);
  private stars = new Uint8Array(0);
  private flags = new Uint8Array(0);
  private labeledBytes = new Uint8Array(0);
  private writers = new Int32Array(0);
  private tagMasks = new Uint32Array(0);
  private readonly moreTags = new Map<number, Int32Array>();
  private readonly labels: LabelSnapshot[] = [];
  private positionOf = new Int32Array(0);
  private readonly tagNames: string[] = [];
  private readonly tagNumbers = new Map<string, number>();
  private readonly writerNames: string[] = [];
  private readonly writerNumbers = new Map<string, number>();
  private built: string | undefined;
  private readonly dirty = new Set<string>();
  private overflow = false;
  private readonly watched: boolean;

  constructor(
    private readonly catalog: Catalog,
    private readonly lookup: LabelLookup,
    private readonly stamp: (() => number) | undefined,
    watch: LabelWatch | undefined,
  ) {
    this.watched = watch !== undefined;
    watch?.((path) => {
      if (this.built === undefined || this.overflow) return;
      if (path === undefined || this.dirty.size >= MAX_DIRTY) this.overflow = true;
      else this.dirty.add(path);
    });
  }

  current(): LabelIndex {
    const stamp = this.watched ? `${this.catalog.generation}` : this.stamp ? `${this.catalog.generation}:${this.stamp()}` : undefined;
    if (stamp === undefined || stamp !== this.built || this.overflow || this.dirty.size > this.labels.length / 2) this.rebuild(stamp);
    else if (this.dirty.size > 0) this.patch();
    const n = this.labels.length;
    return {
      ids: this.ids.subarray(0, n),
      labels: this.labels,
      positionOf: this.positionOf,
      stars: this.stars.subarray(0, n),
      flags: this.flags.subarray(0, n),
      labeled: this.labeledBytes.subarray(0, n),
      writers: this.writers.subarray(0, n),
      tagMasks: this.tagMasks.subarray(0, n),
      moreTags: this.moreTags,
      tagNames: this.tagNames,
      tagNumbers: this.tagNumbers,
      writerNames: this.writerNames,
    };
  }

  private rebuild(stamp: string | undefined): void {
    const { catalog } = this;
    this.dirty.clear();
    this.overflow = false;
    this.labels.length = 0;
    this.moreTags.clear();
    if (this.positionOf.length < catalog.size) this.positionOf = new Int32Array(catalog.width.length);
    this.positionOf.fill(-1);
    this.lookup.forEachLabeled((path, snapshot) => {
      const id = catalog.idOf(path);
      if (id !== undefined) this.append(id, snapshot);
    });
    this.built = stamp;
  }

  /** Applies the changed paths: each path's labels now, in place of what the index held. */
  private patch(): void {
    const { catalog, labels, positionOf } = this;
    for (const path of this.dirty) {
      const id = catalog.idOf(path);
      if (id === undefined) continue;
      const s = this.lookup.peek(path);
      const at = positionOf[id]!;
      if (s !== undefined && hasLabelsOrMetrics(s)) {
        if (at >= 0) this.put(at, id, s);
        else this.append(id, s);
      } else if (at >= 0) {
        // The last entry takes the removed one's place.
        const last = labels.length - 1;
        const lastId = this.ids[last]!;
        if (at !== last) this.put(at, lastId, labels[last]!);
        positionOf[id] = -1;
        labels.pop();
        this.moreTags.delete(last);
      }
    }
    this.dirty.clear();
  }

  private append(id: number, s: LabelSnapshot): void {
    const at = this.labels.length;
    if (at === this.ids.length) this.grow();
    this.labels.push(s);
    this.put(at, id, s);
  }

  private put(at: number, id: number, s: LabelSnapshot): void {
    this.ids[at] = id;
    this.positionOf[id] = at;
    this.labels[at] = s;
    const star = s.star ?? 0;
    this.stars[at] = star;
    this.flags[at] = s.flag === 'pick' ? 1 : s.flag === 'reject' ? 2 : 0;
    this.labeledBytes[at] = star > 0 || s.tags.length > 0 || s.notes !== '' || s.flag != null ? 1 : 0;
    this.writers[at] = s.updated_by === undefined ? -1 : number(this.writerNumbers, this.writerNames, s.updated_by);
    let mask = 0;
    const more: number[] = [];
    for (const tag of s.tags) {
      const n = number(this.tagNumbers, this.tagNames, tag);
      if (n < MASKED_TAGS) mask |= 1 << n;
      else more.push(n);
    }
    this.tagMasks[at] = mask >>> 0;
    if (more.length > 0) this.moreTags.set(at, Int32Array.from(more));
    else this.moreTags.delete(at);
  }

  private grow(): void {
    const capacity = Math.max(1024, this.ids.length * 2);
    const grown = <T extends Int32Array | Uint8Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.ids = grown(this.ids, (n) => new Int32Array(n));
    this.writers = grown(this.writers, (n) => new Int32Array(n));
    this.stars = grown(this.stars, (n) => new Uint8Array(n));
    this.flags = grown(this.flags, (n) => new Uint8Array(n));
    this.labeledBytes = grown(this.labeledBytes, (n) => new Uint8Array(n));
    this.tagMasks = grown(this.tagMasks, (n) => new Uint32Array(n));
  }
}

function number(numbers: Map<string, number>, names: string[], name: string): number {
  let n = numbers.get(name);
  if (n === undefined) {
    n = names.length;
    names.push(name);
    numbers.set(name, n);
  }
  return n;
}
