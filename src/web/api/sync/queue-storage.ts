import type { KeyValueStorage } from './client-identity.js';
import type { Clock, QueuedEntry } from './queue-model.js';

const QUEUE_PREFIX = 'lenslet.queue.';
const ALIVE_PREFIX = 'lenslet.queue-alive.';
/** A queue whose tab has not said it is alive for this long belongs to a closed tab. */
export const ORPHAN_AFTER_MS = 20_000;

/** True while the tab `tabId` stamps itself alive (see `markAlive`). */
export function isTabAlive(storage: KeyValueStorage, tabId: string, now: number): boolean {
  const alive = Number(storage.getItem(ALIVE_PREFIX + tabId) ?? '0');
  return alive > 0 && now - alive < ORPHAN_AFTER_MS;
}

/**
 * The write queue in localStorage, one key per tab (the tab id survives a reload of that tab),
 * plus a per-tab "alive" stamp. A queue whose tab stopped stamping (closed, crashed) is taken
 * over by another tab; entries keep their idempotency keys, so a double send is harmless.
 */
export class QueueStorage {
  private readonly key: string;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly clock: Clock,
    private readonly tabId: string,
  ) {
    this.key = QUEUE_PREFIX + tabId;
  }

  load(): QueuedEntry[] {
    return this.read(this.key);
  }

  save(entries: readonly QueuedEntry[]): void {
    if (!entries.length) this.storage.removeItem(this.key);
    else this.storage.setItem(this.key, JSON.stringify({ v: 1, entries }));
  }

  markAlive(): void {
    this.storage.setItem(ALIVE_PREFIX + this.tabId, String(this.clock.now()));
  }

  /** On pagehide: let other tabs take what is left at once (a reload takes it back first). */
  markClosed(): void {
    this.storage.removeItem(ALIVE_PREFIX + this.tabId);
  }

  /** Removes and returns the entries of queues whose tabs are gone. */
  takeOrphans(): QueuedEntry[] {
    const now = this.clock.now();
    const keys: string[] = [];
    for (let i = 0; i < this.storage.length; i++) {
      const key = this.storage.key(i);
      if (key?.startsWith(QUEUE_PREFIX) && key !== this.key) keys.push(key);
    }
    const out: QueuedEntry[] = [];
    for (const key of keys) {
      const tab = key.slice(QUEUE_PREFIX.length);
      if (isTabAlive(this.storage, tab, now)) continue;
      out.push(...this.read(key));
      this.storage.removeItem(key);
      this.storage.removeItem(ALIVE_PREFIX + tab);
    }
    return out;
  }

  private read(key: string): QueuedEntry[] {
    try {
      const parsed = JSON.parse(this.storage.getItem(key) ?? 'null') as { v?: number; entries?: QueuedEntry[] } | null;
      if (parsed?.v !== 1 || !Array.isArray(parsed.entries)) return [];
      return parsed.entries.filter((e) => typeof e.key === 'string' && Array.isArray(e.items) && e.items.length > 0);
    } catch {
      return [];
    }
  }
}
