import { TIMELINE_HOURS } from '../../protocol/progress.js';
import { HOUR_MS, type Tally } from './tally.js';

/**
 * Every label write the counters know of, as four numbers (20 bytes): the item's catalog id (-1
 * when the item was not in the catalog), its folder, the writer and when. Filtered stats and the
 * per-day export read it instead of the store's log; unfiltered stats never do (the folder
 * counters answer them). Past `cap` entries the oldest half is dropped.
 */
export class EditJournal {
  private items = new Int32Array(1024);
  private folders = new Int32Array(1024);
  private users = new Int32Array(1024);
  private times = new Float64Array(1024);
  private length = 0;
  private readonly folderIds = new Map<string, number>();
  private readonly folderNames: string[] = [];
  private readonly userIds = new Map<string, number>();
  private readonly userNames: string[] = [];

  constructor(private readonly cap = 4_000_000) {}

  get size(): number {
    return this.length;
  }

  add(item: number, folder: string, user: string, atMs: number): void {
    if (this.length === this.cap) this.dropOldestHalf();
    if (this.length === this.items.length) this.grow(this.items.length * 2);
    const i = this.length++;
    this.items[i] = item;
    this.folders[i] = intern(this.folderIds, this.folderNames, folder);
    this.users[i] = intern(this.userIds, this.userNames, user);
    this.times[i] = atMs;
  }

  /** Visits every entry: catalog id, folder, writer, time. */
  forEach(visit: (item: number, folder: string, user: string, atMs: number) => void): void {
    for (let i = 0; i < this.length; i++) visit(this.items[i]!, this.folderNames[this.folders[i]!]!, this.userNames[this.users[i]!]!, this.times[i]!);
  }

  /**
   * Adds to `tally` the entries whose item is set in `members` (a byte per catalog id), as
   * `Tally.edit` would one by one: per writer the count and the newest time, and per hour the
   * count, kept only for the `hours` hours from `fromHour` (those a timeline shows). Counted in
   * typed arrays by writer id, a million-entry journal is one tight pass.
   */
  tallyMembers(members: Uint8Array, tally: Tally, fromHour: number, hours = TIMELINE_HOURS): void {
    const writers = this.userNames.length;
    const edits = new Float64Array(writers);
    const newest = new Float64Array(writers).fill(-Infinity);
    const perHour = new Float64Array(hours);
    countMembers(this.items, this.users, this.times, this.length, members, edits, newest, perHour, fromHour);
    for (let user = 0; user < writers; user++) {
      if (edits[user] === 0) continue;
      const name = this.userNames[user]!;
      const held = tally.edits.get(name);
      if (held) {
        held.edits += edits[user]!;
        if (newest[user]! > held.last) held.last = newest[user]!;
      } else tally.edits.set(name, { edits: edits[user]!, last: newest[user]! });
    }
    for (let h = 0; h < hours; h++) if (perHour[h]! > 0) tally.hours.set(fromHour + h, (tally.hours.get(fromHour + h) ?? 0) + perHour[h]!);
  }

  private grow(capacity: number): void {
    const grown = (a: Int32Array) => {
      const b = new Int32Array(capacity);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.items = grown(this.items);
    this.folders = grown(this.folders);
    this.users = grown(this.users);
    const times = new Float64Array(capacity);
    times.set(this.times.subarray(0, this.length));
    this.times = times;
  }

  private dropOldestHalf(): void {
    const from = this.length >> 1;
    this.items.copyWithin(0, from, this.length);
    this.folders.copyWithin(0, from, this.length);
    this.users.copyWithin(0, from, this.length);
    this.times.copyWithin(0, from, this.length);
    this.length -= from;
  }
}

/**
 * The pass over the journal, a function of its own with nothing after its loop, so V8 optimizes it
 * whole rather than entering it at the loop and deoptimizing after it (once per request).
 */
function countMembers(
  items: Int32Array,
  users: Int32Array,
  times: Float64Array,
  length: number,
  members: Uint8Array,
  edits: Float64Array,
  newest: Float64Array,
  perHour: Float64Array,
  fromHour: number,
): void {
  const hours = perHour.length;
  for (let i = 0; i < length; i++) {
    const item = items[i]!;
    if (item < 0 || !members[item]) continue;
    const user = users[i]!;
    const at = times[i]!;
    edits[user]!++;
    if (at > newest[user]!) newest[user] = at;
    const h = Math.floor(at / HOUR_MS) - fromHour;
    if (h >= 0 && h < hours) perHour[h]!++;
  }
}

function intern(ids: Map<string, number>, names: string[], name: string): number {
  let id = ids.get(name);
  if (id === undefined) {
    id = names.length;
    names.push(name);
    ids.set(name, id);
  }
  return id;
}
