import type { PresenceCounts } from '../../protocol/presence.js';
import { canonicalPath } from '../../protocol/paths.js';

export type PresenceStatus = 'viewing' | 'editing';

export interface PresenceOptions {
  /** A client is stale this long after its last heartbeat. Default 15 s. */
  ttlMs?: number;
  now?: () => number;
  /** Called with a gallery's counts whenever they change (heartbeat, move, leave or expiry). */
  onChange?: (counts: PresenceCounts) => void;
}

interface Entry {
  gallery: string;
  status: PresenceStatus;
  lastSeen: number;
}

/**
 * Who is in which gallery. One entry per client id, so a client counts once however many tabs
 * or heartbeats it sends, and a heartbeat for another gallery moves it out of the old one.
 * Expiry is driven by `prune()` (a timer calls it), not only by the next heartbeat.
 */
export class PresenceTracker {
  private readonly clients = new Map<string, Entry>();
  private readonly galleries = new Map<string, Set<string>>();
  /** Last counts published per gallery, so only changes are published. */
  private readonly published = new Map<string, { viewers: number; editors: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: PresenceOptions = {}) {
    this.ttlMs = options.ttlMs ?? 15_000;
    this.now = options.now ?? Date.now;
  }

  heartbeat(galleryId: string, clientId: string, status: PresenceStatus): PresenceCounts {
    const gallery = normalizeGalleryId(galleryId);
    this.prune();
    const previous = this.clients.get(clientId);
    if (previous && previous.gallery !== gallery) this.remove(clientId, previous);
    this.clients.set(clientId, { gallery, status, lastSeen: this.now() });
    let members = this.galleries.get(gallery);
    if (!members) {
      members = new Set();
      this.galleries.set(gallery, members);
    }
    members.add(clientId);
    if (previous && previous.gallery !== gallery) this.publishIfChanged(previous.gallery);
    this.publishIfChanged(gallery);
    return this.counts(gallery);
  }

  /** Removes the client. A leave naming another gallery than the client's current one is ignored (stale). */
  leave(clientId: string, galleryId?: string): PresenceCounts | null {
    this.prune();
    const entry = this.clients.get(clientId);
    const gallery = galleryId === undefined ? entry?.gallery : normalizeGalleryId(galleryId);
    if (!entry || entry.gallery !== gallery) return gallery === undefined ? null : this.counts(gallery);
    this.remove(clientId, entry);
    this.publishIfChanged(entry.gallery);
    return this.counts(entry.gallery);
  }

  counts(galleryId: string): PresenceCounts {
    const gallery = normalizeGalleryId(galleryId);
    let viewers = 0;
    let editors = 0;
    const cutoff = this.now() - this.ttlMs;
    for (const id of this.galleries.get(gallery) ?? []) {
      const e = this.clients.get(id);
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
    for (const [id, e] of this.clients) {
      if (e.lastSeen <= cutoff) {
        this.remove(id, e);
        touched.add(e.gallery);
      }
    }
    for (const gallery of touched) this.publishIfChanged(gallery);
  }

  get activeClients(): number {
    return this.clients.size;
  }

  private remove(clientId: string, entry: Entry): void {
    this.clients.delete(clientId);
    const members = this.galleries.get(entry.gallery);
    members?.delete(clientId);
    if (members?.size === 0) this.galleries.delete(entry.gallery);
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

/** Gallery ids that look like paths are canonicalised (`/a/` = `/a`); others (e.g. "root") are kept. */
export function normalizeGalleryId(raw: string): string {
  const id = raw.trim();
  if (!id.startsWith('/')) return id;
  const p = canonicalPath(id);
  return p.ok ? p.path : id;
}
