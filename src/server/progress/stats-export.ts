import { isWithin } from '../../protocol/paths.js';
import type { EditJournal } from './edit-journal.js';

export interface StatsExportRow {
  /** The UTC day, YYYY-MM-DD. */
  date: string;
  user: string;
  edits: number;
  /** Distinct items the person wrote labels to that day. */
  items: number;
}

const DAY_MS = 86_400_000;

/** Label writes per person and UTC day at or below `folder`, by day then person. */
export function statsExportRows(journal: EditJournal, folder: string): StatsExportRow[] {
  const days = new Map<string, { edits: number; items: Set<number> }>();
  let unknown = -1;
  journal.forEach((item, itemFolder, user, atMs) => {
    if (!isWithin(itemFolder, folder)) return;
    const key = `${Math.floor(atMs / DAY_MS)}\u0000${user}`;
    let day = days.get(key);
    if (!day) {
      day = { edits: 0, items: new Set() };
      days.set(key, day);
    }
    day.edits++;
    // A write to an item the catalog did not hold has no id: it counts as an item of its own.
    day.items.add(item >= 0 ? item : unknown--);
  });
  const rows: StatsExportRow[] = [];
  for (const [key, day] of days) {
    const [dayIndex, user] = key.split('\u0000') as [string, string];
    rows.push({ date: new Date(Number(dayIndex) * DAY_MS).toISOString().slice(0, 10), user, edits: day.edits, items: day.items.size });
  }
  return rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}
