import type { ItemMoved, ItemUpdated, MetricsUpdated } from '../../protocol/events.js';
import type { Sidecar } from '../../protocol/items.js';
import { hasLabelsOrMetrics, type LabelLookup, type LabelSnapshot } from './label-lookup.js';
import type { StoredEvent } from './label-store.js';

/**
 * Told of every change to the projection: one path's snapshot before and after (undefined: no
 * row), and `cleared` before a reload empties it. Progress counters follow the labels this way,
 * whoever wrote them (this server, another one, a seed or a move).
 */
export interface ProjectionListener {
  changed(path: string, before: LabelSnapshot | undefined, after: LabelSnapshot | undefined): void;
  cleared(): void;
}

/**
 * The in-memory copy of every written item's labels that listings, search and queries read
 * synchronously (`LabelLookup`). Fed from committed sidecars and from the event log.
 */
export class LabelProjection implements LabelLookup {
  private readonly items = new Map<string, LabelSnapshot>();
  /** Writers' names, one string each: a million rows written by five people hold five strings. */
  private readonly writers = new Map<string, string>();
  private readonly listeners = new Set<ProjectionListener>();

  peek(path: string): LabelSnapshot | undefined {
    return this.items.get(path);
  }

  /** Items with any label or metric (an item whose labels were all cleared is skipped). */
  forEachLabeled(visit: (path: string, labels: LabelSnapshot) => void): void {
    for (const [path, s] of this.items) {
      if (hasLabelsOrMetrics(s)) visit(path, s);
    }
  }

  /** Every row, labeled or not. */
  forEachRow(visit: (path: string, labels: LabelSnapshot) => void): void {
    for (const [path, s] of this.items) visit(path, s);
  }

  /** Follows every change from now on; returns the function that stops it. */
  listen(listener: ProjectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async load(sidecars: AsyncIterable<Sidecar>): Promise<void> {
    this.items.clear();
    for (const l of this.listeners) l.cleared();
    for await (const s of sidecars) this.apply(s);
  }

  apply(s: Sidecar): void {
    this.set(s.path, { star: s.star, flag: s.flag, tags: s.tags, notes: s.notes, version: s.version, metrics: s.metrics, updated_by: this.writer(s.updated_by) });
  }

  /** The path no longer has a stored row (its labels moved away). */
  remove(path: string): void {
    const before = this.items.get(path);
    if (!before) return;
    this.items.delete(path);
    for (const l of this.listeners) l.changed(path, before, undefined);
  }

  /**
   * Applies a logged event; one older than what is held (loaded after it was written) is ignored.
   * An `item-moved` drops its `from`: right for moves applied one by one, but a cycle inside one
   * move call (a swap) drops a path an earlier event of that call just filled, so whoever replays
   * moves re-reads the paths they touched afterwards (LabelService does).
   */
  applyEvent(e: StoredEvent): void {
    const before = this.items.get(e.path);
    const updated_by = this.writer(e.data.updated_by);
    if (e.type === 'item-moved') {
      const d = e.data as ItemMoved;
      if (before && before.version >= d.version) return;
      this.remove(d.from);
      this.set(e.path, { star: d.star, flag: d.flag ?? null, tags: d.tags, notes: d.notes, version: d.version, metrics: d.metrics ?? {}, updated_by });
      return;
    }
    if (before && before.version >= e.data.version) return;
    const base = before ?? { star: null, flag: null, tags: [], notes: '', version: 1, metrics: {} };
    if (e.type === 'metrics-updated') {
      this.set(e.path, { ...base, metrics: (e.data as MetricsUpdated).metrics, version: e.data.version, updated_by });
    } else {
      const d = e.data as ItemUpdated;
      this.set(e.path, { star: d.star, flag: d.flag ?? null, tags: d.tags, notes: d.notes, version: d.version, metrics: d.metrics ?? base.metrics, updated_by });
    }
  }

  private set(path: string, next: LabelSnapshot): void {
    const before = this.items.get(path);
    this.items.set(path, next);
    for (const l of this.listeners) l.changed(path, before, next);
  }

  private writer(name: string | null | undefined): string | undefined {
    if (!name) return undefined;
    let held = this.writers.get(name);
    if (held === undefined) {
      held = name;
      this.writers.set(name, name);
    }
    return held;
  }
}
