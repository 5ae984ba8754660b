import type { Flag } from '../../protocol/items.js';

/**
 * What listings, search and queries need from labels: a synchronous read of an in-memory
 * projection kept current by the label service (so a 100k-item listing never waits on a store).
 */
export interface LabelSnapshot {
  star: number | null;
  flag: Flag;
  tags: string[];
  notes: string;
  version: number;
  metrics: Record<string, number>;
  /** Who wrote the item last (progress stats count an item for them); absent in hand-made snapshots. */
  updated_by?: string | undefined;
}

export interface LabelLookup {
  peek(path: string): LabelSnapshot | undefined;
  forEachLabeled(visit: (path: string, labels: LabelSnapshot) => void): void;
}

export const NO_LABELS: LabelLookup = {
  peek: () => undefined,
  forEachLabeled: () => {},
};
