import { createHash } from 'node:crypto';
import { MAX_PRESENCE_USERS, type PresenceCounts, type PresenceUser } from '../../protocol/presence.js';
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
  /** Who this client is, when known (an account, or a name the browser gave): listed in `users`. */
  name: string | null;
  /** The item this client has open (soft claim), when it says. */
  item: string | null;
  lastSeen: number;
}

/**
 * An entry as other servers share it (pg-presence.ts). `key` is the entry's key (a hash that
 * hides the token); `left` marks a leave, which supersedes older entries of that key everywhere,
 * so a leave reaching another server than the heartbeats ends the presence at once.
 */
export interface SharedEntry {
  key: string;
  clientId: string;
  gallery: string;
  status: PresenceStatus | 'left';
  name: string | null;
  item: string | null;
  lastSeen: number;
}

/**
 * Who is in which gallery. One entry per client id and session token, so a client counts once
 * however many heartbeats it sends, and a heartbeat for another gallery moves it out of the old
 * one. The token is the client's proof of ownership: client ids show up in history, so knowing
 * one must not let anyone move or end that person's presence. A heartbeat or leave with another
 * token (or none) only ever touches its own entry. Expiry is driven by `prune()` (a timer calls
 * it), not only by the next heartbeat. Counts also list the names present (`users`): each name
 * once, `editing` if any of its clients edits, editors first, at most MAX_PRESENCE_USERS.
 *
 * With several servers, each tracks its own clients and is told the others' (`setRemote`):
 * counts include them, and per key the newest entry wins, so a client whose heartbeats a load
 * balancer spreads over servers counts once, in the gallery it last reported.
 */
export class PresenceTracker {
  private readonly clients = new Map<string, Entry>();
  private readonly galleries = new Map<string, Set<string>>();
  /** Entry keys per client id: what an SSE stream following that client looks up. */
  private readonly byClient = new Map<string, Set<string>>();
  /** What was last published per gallery (counts and names), so only changes are published. */
  private readonly published = new Map<string, string>();
  /** Other servers' entries, the newest per key, and the keys per gallery. */
  private readonly remote = new Map<string, SharedEntry>();
  private readonly remoteGalleries = new Map<string, Set<string>>();
  /** Leaves of the last TTL, shared so older entries of the same key on other servers stop counting. */
  private readonly left = new Map<string, SharedEntry>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly maxClients: number;

  constructor(private readonly options: PresenceOptions = {}) {
    this.ttlMs = options.ttlMs ?? 15_000;
    this.now = options.now ?? Date.now;
    this.maxClients = options.maxClients ?? 10_000;
  }

  /** Null when the tracker is full and this is a new client (the caller answers 429). */
  heartbeat(galleryId: string, clientId: string, status: PresenceStatus, token = '', name: string | null = null, item: string | null = null): PresenceCounts | null {
    const gallery = normalizeGalleryId(galleryId);
    this.prune();
    const key = entryKey(clientId, token);
    const previous = this.clients.get(key);
    if (!previous && this.clients.size >= this.maxClients) return null;
    if (previous && previous.gallery !== gallery) this.remove(key, previous);
    this.left.delete(key);
    this.clients.set(key, { clientId, gallery, status, name, item, lastSeen: this.now() });
    addTo(this.galleries, gallery, key);
    addTo(this.byClient, clientId, key);
    if (previous && previous.gallery !== gallery) this.publishIfChanged(previous.gallery);
    return this.publishIfChanged(gallery);
  }

  /**
   * Removes the client's entry of this token. A leave naming another gallery than the entry's
   * current one is ignored (stale), as is one for an entry that does not exist.
   */
  leave(clientId: string, galleryId?: string, token = ''): PresenceCounts | null {
    this.prune();
    const key = entryKey(clientId, token);
    const entry = this.newest(key);
    const gallery = galleryId === undefined ? entry?.gallery : normalizeGalleryId(galleryId);
    if (!entry || entry.status === 'left' || entry.gallery !== gallery) return gallery === undefined ? null : this.counts(gallery);
    const local = this.clients.get(key);
    if (local) this.remove(key, local);
    this.left.set(key, { key, clientId, gallery: entry.gallery, status: 'left', name: null, item: null, lastSeen: this.now() });
    if (local && local.gallery !== entry.gallery) this.publishIfChanged(local.gallery);
    return this.publishIfChanged(entry.gallery);
  }

  /** This server's entries and recent leaves, as other servers are told of them. */
  sharedEntries(): SharedEntry[] {
    const out: SharedEntry[] = [...this.left.values()];
    for (const [key, e] of this.clients) out.push({ key, clientId: e.clientId, gallery: e.gallery, status: e.status, name: e.name, item: e.item, lastSeen: e.lastSeen });
    return out;
  }

  /** Replaces the other servers' entries and publishes the galleries whose counts changed. */
  setRemote(entries: readonly SharedEntry[]): void {
    const touched = new Set(this.remoteGalleries.keys());
    this.remote.clear();
    this.remoteGalleries.clear();
    for (const e of entries) {
      const gallery = normalizeGalleryId(e.gallery);
      const known = this.remote.get(e.key);
      if (known && known.lastSeen >= e.lastSeen) continue;
      if (known) removeFrom(this.remoteGalleries, known.gallery, e.key);
      this.remote.set(e.key, { ...e, gallery });
      addTo(this.remoteGalleries, gallery, e.key);
    }
    for (const [key, e] of this.remote) {
      touched.add(e.gallery);
      // A local entry this one supersedes (or stops superseding) changes its gallery too.
      const local = this.clients.get(key);
      if (local) touched.add(local.gallery);
    }
    for (const gallery of touched) this.publishIfChanged(gallery);
  }

  /** The newest entry of a key, this server's or another's. */
  private newest(key: string): SharedEntry | undefined {
    const e = this.clients.get(key);
    const mine = e ? { key, clientId: e.clientId, gallery: e.gallery, status: e.status, name: e.name, item: e.item, lastSeen: e.lastSeen } : this.left.get(key);
    const theirs = this.remote.get(key);
    if (!theirs) return mine;
    return mine && mine.lastSeen >= theirs.lastSeen ? mine : theirs;
  }

  /** Whether a client id (under any token) is in `gallery` now: its SSE stream gets that gallery's presence. */
  isIn(clientId: string, gallery: string): boolean {
    for (const key of this.byClient.get(clientId) ?? []) if (this.clients.get(key)?.gallery === gallery) return true;
    const cutoff = this.now() - this.ttlMs;
    for (const key of this.remoteGalleries.get(gallery) ?? []) {
      const e = this.remote.get(key);
      if (e && e.clientId === clientId && e.status !== 'left' && e.lastSeen > cutoff) return true;
    }
    return false;
  }

  counts(galleryId: string): PresenceCounts {
    const gallery = normalizeGalleryId(galleryId);
    let viewers = 0;
    let editors = 0;
    const names = new Map<string, Named>();
    const cutoff = this.now() - this.ttlMs;
    const count = (e: { status: PresenceStatus; name: string | null; item: string | null; lastSeen: number }) => {
      if (e.status === 'editing') editors++;
      else viewers++;
      if (e.name === null) return;
      const held = names.get(e.name);
      // Editing wins; the item is the one the person's newest heartbeat named.
      const status = held?.status === 'editing' ? 'editing' : e.status;
      const newer = !held || (e.item !== null && (held.item === null || e.lastSeen > held.seen));
      names.set(e.name, newer ? { status, item: e.item, seen: e.lastSeen } : { ...held, status });
    };
    for (const key of this.galleries.get(gallery) ?? []) {
      const e = this.clients.get(key);
      if (!e || e.lastSeen <= cutoff) continue;
      const theirs = this.remote.get(key);
      if (!theirs || theirs.lastSeen <= e.lastSeen) count(e);
    }
    for (const key of this.remoteGalleries.get(gallery) ?? []) {
      const e = this.remote.get(key);
      if (!e || e.status === 'left' || e.lastSeen <= cutoff) continue;
      const mine = this.clients.get(key) ?? this.left.get(key);
      if (!mine || mine.lastSeen < e.lastSeen) count({ status: e.status, name: e.name, item: e.item, lastSeen: e.lastSeen });
    }
    return { gallery_id: gallery, viewers, editors, updated_at: new Date(this.now()).toISOString(), users: listed(names) };
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
    // Another server's entries expire like ours: a server that died stops refreshing them.
    for (const [key, e] of this.remote) {
      if (e.lastSeen <= cutoff) {
        this.remote.delete(key);
        removeFrom(this.remoteGalleries, e.gallery, key);
        touched.add(e.gallery);
      }
    }
    for (const [key, e] of this.left) if (e.lastSeen <= cutoff) this.left.delete(key);
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

  /** The gallery's counts now, published if they differ from the last published. */
  private publishIfChanged(gallery: string): PresenceCounts {
    const counts = this.counts(gallery);
    const empty = counts.viewers === 0 && counts.editors === 0;
    const now = empty ? EMPTY : JSON.stringify([counts.viewers, counts.editors, counts.users]);
    if ((this.published.get(gallery) ?? EMPTY) === now) return counts;
    if (empty) this.published.delete(gallery);
    else this.published.set(gallery, now);
    this.options.onChange?.(counts);
    return counts;
  }
}

const EMPTY = '';

interface Named {
  status: PresenceStatus;
  item: string | null;
  seen: number;
}

/** Editors first, then by name; bounded, since every `presence` event carries the list. */
function listed(names: Map<string, Named>): PresenceUser[] {
  const users = [...names].map(([name, { status, item }]): PresenceUser => (item === null ? { name, status } : { name, status, item }));
  users.sort((a, b) => (a.status === b.status ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.status === 'editing' ? -1 : 1));
  return users.slice(0, MAX_PRESENCE_USERS);
}

/** Hashed: keys are shared with other servers through the database, tokens must not be. */
function entryKey(clientId: string, token: string): string {
  return createHash('sha256').update(JSON.stringify([clientId, token])).digest('base64url');
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
