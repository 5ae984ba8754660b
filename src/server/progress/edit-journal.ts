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

  /** Visits the entries whose item is set in `members` (a byte per catalog id). */
  forEachMember(members: Uint8Array, visit: (user: string, atMs: number) => void): void {
    for (let i = 0; i < this.length; i++) {
      const item = this.items[i]!;
      if (item >= 0 && members[item]) visit(this.userNames[this.users[i]!]!, this.times[i]!);
    }
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

function intern(ids: Map<string, number>, names: string[], name: string): number {
  let id = ids.get(name);
  if (id === undefined) {
    id = names.length;
    names.push(name);
    ids.set(name, id);
  }
  return id;
}
