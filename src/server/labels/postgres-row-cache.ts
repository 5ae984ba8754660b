import type { Sidecar } from '../../protocol/items.js';
import type { StoredEvent } from './label-store.js';

/** A label row as this server last read or wrote it, with the transaction that wrote it. */
export interface CachedRow {
  sidecar: Sidecar;
  xmin: string;
}

/** Enough for the items being labeled at once; a miss only costs the read it would have cost anyway. */
const MAX_ROWS = 10_000;

/**
 * Label rows this server read or committed, so a commit on them can be planned without reading
 * them back (SPEC LP7): `lenslet_label_commit` still compares each row's version and xmin under the
 * lock, so a stale entry costs a retried commit, never a lost write. Entries are dropped as soon as
 * another writer's event on their path is seen, which keeps those retries rare. Bounded: the
 * oldest entry goes first. Sidecars are copied in and out (LS5: callers may mutate theirs).
 */
export class PostgresRowCache {
  private readonly rows = new Map<string, CachedRow>();

  /** Every path's row, or undefined when one of them is not held. */
  getAll(paths: readonly string[]): Map<string, CachedRow> | undefined {
    const found = new Map<string, CachedRow>();
    for (const path of paths) {
      const row = this.rows.get(path);
      if (!row) return undefined;
      found.set(path, { sidecar: copy(row.sidecar), xmin: row.xmin });
    }
    return found;
  }

  set(sidecar: Sidecar, xmin: string): void {
    this.rows.delete(sidecar.path);
    this.rows.set(sidecar.path, { sidecar: copy(sidecar), xmin });
    if (this.rows.size > MAX_ROWS) this.rows.delete(this.rows.keys().next().value!);
  }

  drop(paths: Iterable<string>): void {
    for (const path of paths) this.rows.delete(path);
  }

  /** Forgets what an event (another writer's, or one of ours already held) may have changed. */
  forgetChangedBy(event: StoredEvent): void {
    const held = this.rows.get(event.path);
    if (held && held.sidecar.version !== event.data.version) this.rows.delete(event.path);
    if (event.type === 'item-moved') {
      this.rows.delete(event.path);
      this.rows.delete((event.data as { from: string }).from);
    }
  }

  clear(): void {
    this.rows.clear();
  }
}

function copy(s: Sidecar): Sidecar {
  return { ...s, tags: [...s.tags], metrics: { ...s.metrics } };
}
