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

/** Whether an item has any label or metric: what `forEachLabeled` visits. */
export function hasLabelsOrMetrics(s: LabelSnapshot): boolean {
  return s.star !== null || s.flag !== null || s.tags.length > 0 || s.notes !== '' || Object.keys(s.metrics).length > 0;
}

export interface LabelLookup {
  peek(path: string): LabelSnapshot | undefined;
  /** Items with any label or metric (`hasLabelsOrMetrics`). */
  forEachLabeled(visit: (path: string, labels: LabelSnapshot) => void): void;
}

export const NO_LABELS: LabelLookup = {
  peek: () => undefined,
  forEachLabeled: () => {},
};
