import type { Flag } from '../../../protocol/items.js';

export interface LabeledItem {
  star: number | null;
  flag: Flag;
  tags: string[];
  size: number;
}

export interface SelectionSummary {
  star: number | null | 'mixed';
  flag: Flag | 'mixed';
  /** Every tag on any selected item, with how many carry it: most common first. */
  tags: Array<{ tag: string; count: number }>;
  totalSize: number;
}

export function summarize(items: readonly LabeledItem[]): SelectionSummary {
  const counts = new Map<string, number>();
  let totalSize = 0;
  let star: number | null | 'mixed' = items[0]?.star ?? null;
  let flag: Flag | 'mixed' = items[0]?.flag ?? null;
  for (const item of items) {
    totalSize += item.size;
    if (item.star !== star) star = 'mixed';
    if (item.flag !== flag) flag = 'mixed';
    for (const t of item.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const tags = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([tag, count]) => ({ tag, count }));
  return { star, flag, tags, totalSize };
}
