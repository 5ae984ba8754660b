import { MAX_PRESENCE_USERS, presenceCountsSchema, type PresenceCounts, type PresenceStatus, type PresenceUser } from '../../../protocol/presence.js';
import type { Clock } from './write-queue.js';

export type { PresenceCounts, PresenceStatus, PresenceUser };

export interface PresenceClientOptions {
  clock: Clock;
  /** Per tab and stable across a reload of that tab (see client-identity.ts). */
  clientId: string;
  /**
   * The tab's secret, sent with every heartbeat and leave: the server lets only it move or end
   * this presence (client ids are not secret: they show in history). Stable across a reload.
   */
  token: string;
  post: (path: string, body: unknown) => Promise<unknown>;
  /** `navigator.sendBeacon`: still delivered while the page is being torn down. */
  beacon: (path: string, body: unknown) => boolean;
  getStatus: () => PresenceStatus;
  /**
   * The display name to show others (client-identity.ts), read at every beat so a new name shows
   * at the next one. The server uses it only without sign-in; an account's name wins.
   */
  getName?: () => string;
  onCounts?: (counts: PresenceCounts) => void;
  intervalMs?: number;
  /** How long a changed item waits before its beat (ITEM_SETTLE_MS). */
  itemSettleMs?: number;
  random?: () => number;
}

/**
 * A changed inspector item is sent this long after the change, not in the same task: culling
 * with auto-advance changes it on every key press, and the beat (a fetch, twice when the old item
 * is closed first) would run before the next image is painted. Stepping through images faster
 * than this sends only the item the person stops at.
 */
export const ITEM_SETTLE_MS = 150;

/**
 * Presence for the folder on screen: a heartbeat every ~5 s (the server forgets a client after
 * 15 s), an immediate one when the folder or the editing status changes, and a leave by beacon
 * on pagehide so a closed tab stops counting at once. A reload leaves, then re-joins as the same
 * client: never a ghost.
 */
export class PresenceClient {
  private gallery: string | null = null;
  private timer: unknown = null;
  private lastStatus: PresenceStatus | null = null;
  private hidden = false;
  private item: string | null = null;
  private itemTimer: unknown = null;

  constructor(private readonly o: PresenceClientOptions) {}

  setGallery(id: string | null): void {
    if (id === this.gallery) return;
    const previous = this.gallery;
    this.gallery = id;
    if (previous !== null) void this.o.post('/presence/leave', this.body(previous)).catch(() => {});
    this.beat();
  }

  /**
   * The item open in this tab's inspector (a soft claim others see as "Bob is on this item"), or
   * null. A change is sent after ITEM_SETTLE_MS, so the badge follows the person without waiting
   * for a heartbeat, and a quick run of changes is one beat.
   */
  setItem(path: string | null): void {
    if (path === this.item) return;
    this.item = path;
    if (this.gallery === null || this.hidden || this.itemTimer !== null) return;
    this.itemTimer = this.o.clock.setTimeout(() => {
      this.itemTimer = null;
      if (this.gallery !== null && !this.hidden) this.beat();
    }, this.o.itemSettleMs ?? ITEM_SETTLE_MS);
  }

  /** Call when the editing status may have changed; sends at once only if it did. */
  statusChanged(): void {
    if (this.gallery !== null && !this.hidden && this.o.getStatus() !== this.lastStatus) this.beat();
  }

  pageHide(): void {
    this.hidden = true;
    this.clear();
    if (this.gallery === null) return;
    const body = this.body(this.gallery);
    if (!this.o.beacon('/presence/leave', body)) void this.o.post('/presence/leave', body).catch(() => {});
    this.lastStatus = null;
  }

  /** Back from the back/forward cache, or visible again: re-join now. */
  pageShow(): void {
    this.hidden = false;
    this.beat();
  }

  stop(): void {
    this.clear();
    this.gallery = null;
  }

  private beat(): void {
    this.clear();
    if (this.gallery === null || this.hidden) return;
    const gallery = this.gallery;
    const status = this.o.getStatus();
    const name = this.o.getName?.().trim();
    this.lastStatus = status;
    void this.o
      // No item is left out rather than sent as null: the server reads both as none (PR9).
      .post('/presence', { ...this.body(gallery), status, ...(this.item ? { item: this.item } : {}), ...(name ? { name } : {}) })
      .then((res) => {
        const counts = readCounts(res);
        if (counts && counts.gallery_id === this.gallery) this.o.onCounts?.(counts);
      })
      .catch(() => {});
    const every = this.o.intervalMs ?? 5_000;
    this.timer = this.o.clock.setTimeout(() => this.beat(), Math.round(every * (0.9 + 0.2 * (this.o.random ?? Math.random)())));
  }

  private body(gallery: string): { gallery_id: string; client_id: string; token: string } {
    return { gallery_id: gallery, client_id: this.o.clientId, token: this.o.token };
  }

  private clear(): void {
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    // Every beat carries the current item: one waiting to be sent goes with this one.
    if (this.itemTimer !== null) this.o.clock.clearTimeout(this.itemTimer);
    this.itemTimer = null;
  }
}

/** The counts in a `POST /presence` answer, or null when it is not one (the next beat tries again). */
export function readCounts(raw: unknown): PresenceCounts | null {
  const parsed = presenceCountsSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** "3 viewing · 1 editing", the spec's copy. */
export function presenceLabel(counts: Pick<PresenceCounts, 'viewers' | 'editors'>): string {
  return `${counts.viewers} viewing · ${counts.editors} editing`;
}

/** Who is here, for the toolbar's hover card: the names, and a note on what the list leaves out. */
export interface PresenceWho {
  people: PresenceUser[];
  note: string | null;
}

/**
 * The names in `counts` (the server sends each once, editors first) and a note: counts are per
 * tab and names per person, so the note says only what is certain.
 */
export function presenceWho(counts: Pick<PresenceCounts, 'viewers' | 'editors' | 'users'>): PresenceWho {
  const people = counts.users ?? [];
  const present = counts.viewers + counts.editors;
  if (present === 0) return { people, note: 'Nobody is here' };
  if (counts.users === undefined) return { people, note: 'This server does not share names' };
  if (people.length === 0) return { people, note: 'Nobody here has a name yet' };
  if (people.length >= MAX_PRESENCE_USERS) return { people, note: `The first ${MAX_PRESENCE_USERS} names` };
  return { people, note: null };
}

/** "Ann (editing), Bob (viewing)" and the note: the card's text in one line, e.g. for a screen reader. */
export function presenceWhoText(who: PresenceWho): string {
  const names = who.people.map((p) => `${p.name} (${p.status})`).join(', ');
  return [names, who.note].filter(Boolean).join('. ');
}
