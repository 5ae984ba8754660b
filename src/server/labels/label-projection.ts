import type { ItemMoved, ItemUpdated, MetricsUpdated } from '../../protocol/events.js';
import type { Sidecar } from '../../protocol/items.js';
import type { LabelLookup, LabelSnapshot } from './label-lookup.js';
import type { StoredEvent } from './label-store.js';

/**
 * The in-memory copy of every written item's labels that listings, search and queries read
 * synchronously (`LabelLookup`). Fed from committed sidecars and from the event log.
 */
export class LabelProjection implements LabelLookup {
  private readonly items = new Map<string, LabelSnapshot>();

  peek(path: string): LabelSnapshot | undefined {
    return this.items.get(path);
  }

  /** Items with any label or metric (an item whose labels were all cleared is skipped). */
  forEachLabeled(visit: (path: string, labels: LabelSnapshot) => void): void {
    for (const [path, s] of this.items) {
      if (s.star !== null || s.flag !== null || s.tags.length || s.notes || Object.keys(s.metrics).length) visit(path, s);
    }
  }

  async load(sidecars: AsyncIterable<Sidecar>): Promise<void> {
    this.items.clear();
    for await (const s of sidecars) this.apply(s);
  }

  apply(s: Sidecar): void {
    this.items.set(s.path, { star: s.star, flag: s.flag, tags: s.tags, notes: s.notes, version: s.version, metrics: s.metrics });
  }

  /** The path no longer has a stored row (its labels moved away). */
  remove(path: string): void {
    this.items.delete(path);
  }

  /**
   * Applies a logged event; one older than what is held (loaded after it was written) is ignored.
   * An `item-moved` drops its `from`: right for moves applied one by one, but a cycle inside one
   * move call (a swap) drops a path an earlier event of that call just filled, so whoever replays
   * moves re-reads the paths they touched afterwards (LabelService does).
   */
  applyEvent(e: StoredEvent): void {
    const before = this.items.get(e.path);
    if (e.type === 'item-moved') {
      const d = e.data as ItemMoved;
      if (before && before.version >= d.version) return;
      this.items.delete(d.from);
      this.items.set(e.path, { star: d.star, flag: d.flag ?? null, tags: d.tags, notes: d.notes, version: d.version, metrics: d.metrics ?? {} });
      return;
    }
    if (before && before.version >= e.data.version) return;
    const base = before ?? { star: null, flag: null, tags: [], notes: '', version: 1, metrics: {} };
    if (e.type === 'metrics-updated') {
      this.items.set(e.path, { ...base, metrics: (e.data as MetricsUpdated).metrics, version: e.data.version });
    } else {
      const d = e.data as ItemUpdated;
      this.items.set(e.path, { star: d.star, flag: d.flag ?? null, tags: d.tags, notes: d.notes, version: d.version, metrics: d.metrics ?? base.metrics });
    }
  }
}
