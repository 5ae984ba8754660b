import type { PresenceCounts } from '../../protocol/presence.js';
import { canonicalPath } from '../../protocol/paths.js';

export type PresenceStatus = 'viewing' | 'editing';

export interface PresenceOptions {
  /** A client is stale this long after its last heartbeat. Default 15 s. */
  ttlMs?: number;
  now?: () => number;
  /** Called with a gallery's counts whenever they change (heartbeat, move, leave or expiry). */
  onChange?: (counts: PresenceCounts) => void;
  /** Clients tracked at once; a heartbeat of a new one past this is refused. Default 10,000. */
  maxClients?: number;
}

interface Entry {
  clientId: string;
  gallery: string;
  status: PresenceStatus;
  lastSeen: number;
}

/**
 * Who is in which gallery. One entry per client id and session token, so a client counts once
 * however many heartbeats it sends, and a heartbeat for another gallery moves it out of the old
 * one. The token is the client's proof of ownership: client ids show up in history, so knowing
 * one must not let anyone move or end that person's presence. A heartbeat or leave with another
 * token (or none) only ever touches its own entry. Expiry is driven by `prune()` (a timer calls
 * it), not only by the next heartbeat.
 */
export class PresenceTracker {
  private readonly clients = new Map<string, Entry>();
  private readonly galleries = new Map<string, Set<string>>();
  /** Entry keys per client id: what an SSE stream following that client looks up. */
  private readonly byClient = new Map<string, Set<string>>();
  /** Last counts published per gallery, so only changes are published. */
  private readonly published = new Map<string, { viewers: number; editors: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly maxClients: number;

  constructor(private readonly options: PresenceOptions = {}) {
    this.ttlMs = options.ttlMs ?? 15_000;
    this.now = options.now ?? Date.now;
    this.maxClients = options.maxClients ?? 10_000;
  }

  /** Null when the tracker is full and this is a new client (the caller answers 429). */
  heartbeat(galleryId: string, clientId: string, status: PresenceStatus, token = ''): PresenceCounts | null {
    const gallery = normalizeGalleryId(galleryId);
    this.prune();
    const key = entryKey(clientId, token);
    const previous = this.clients.get(key);
    if (!previous && this.clients.size >= this.maxClients) return null;
    if (previous && previous.gallery !== gallery) this.remove(key, previous);
    this.clients.set(key, { clientId, gallery, status, lastSeen: this.now() });
    addTo(this.galleries, gallery, key);
    addTo(this.byClient, clientId, key);
    if (previous && previous.gallery !== gallery) this.publishIfChanged(previous.gallery);
    this.publishIfChanged(gallery);
    return this.counts(gallery);
  }

  /**
   * Removes the client's entry of this token. A leave naming another gallery than the entry's
   * current one is ignored (stale), as is one for an entry that does not exist.
   */
  leave(clientId: string, galleryId?: string, token = ''): PresenceCounts | null {
    this.prune();
    const key = entryKey(clientId, token);
    const entry = this.clients.get(key);
    const gallery = galleryId === undefined ? entry?.gallery : normalizeGalleryId(galleryId);
    if (!entry || entry.gallery !== gallery) return gallery === undefined ? null : this.counts(gallery);
    this.remove(key, entry);
    this.publishIfChanged(entry.gallery);
    return this.counts(entry.gallery);
  }

  /** Whether a client id (under any token) is in `gallery` now: its SSE stream gets that gallery's presence. */
  isIn(clientId: string, gallery: string): boolean {
    for (const key of this.byClient.get(clientId) ?? []) if (this.clients.get(key)?.gallery === gallery) return true;
    return false;
  }

  counts(galleryId: string): PresenceCounts {
    const gallery = normalizeGalleryId(galleryId);
    let viewers = 0;
    let editors = 0;
    const cutoff = this.now() - this.ttlMs;
    for (const key of this.galleries.get(gallery) ?? []) {
      const e = this.clients.get(key);
      if (!e || e.lastSeen <= cutoff) continue;
      if (e.status === 'editing') editors++;
      else viewers++;
    }
    return { gallery_id: gallery, viewers, editors, updated_at: new Date(this.now()).toISOString() };
  }

  /** Drops every client stale at the current time and publishes the galleries whose counts changed. */
  prune(): void {
    const cutoff = this.now() - this.ttlMs;
    const touched = new Set<string>();
    for (const [key, e] of this.clients) {
      if (e.lastSeen <= cutoff) {
        this.remove(key, e);
        touched.add(e.gallery);
      }
    }
    for (const gallery of touched) this.publishIfChanged(gallery);
  }

  get activeClients(): number {
    return this.clients.size;
  }

  private remove(key: string, entry: Entry): void {
    this.clients.delete(key);
    removeFrom(this.galleries, entry.gallery, key);
    removeFrom(this.byClient, entry.clientId, key);
  }

  private publishIfChanged(gallery: string): void {
    const counts = this.counts(gallery);
    const before = this.published.get(gallery) ?? { viewers: 0, editors: 0 };
    if (before.viewers === counts.viewers && before.editors === counts.editors) return;
    if (counts.viewers === 0 && counts.editors === 0) this.published.delete(gallery);
    else this.published.set(gallery, { viewers: counts.viewers, editors: counts.editors });
    this.options.onChange?.(counts);
  }
}

function entryKey(clientId: string, token: string): string {
  return JSON.stringify([clientId, token]);
}

function addTo(index: Map<string, Set<string>>, at: string, key: string): void {
  let members = index.get(at);
  if (!members) {
    members = new Set();
    index.set(at, members);
  }
  members.add(key);
}

function removeFrom(index: Map<string, Set<string>>, at: string, key: string): void {
  const members = index.get(at);
  members?.delete(key);
  if (members?.size === 0) index.delete(at);
}

/** Gallery ids that look like paths are canonicalised (`/a/` = `/a`); others (e.g. "root") are kept. */
export function normalizeGalleryId(raw: string): string {
  const id = raw.trim();
  if (!id.startsWith('/')) return id;
  const p = canonicalPath(id);
  return p.ok ? p.path : id;
}
