import type { StatsResponse } from '../../protocol/progress.js';

/** A row of the per-person table: label writes today, over 7 days and in all (UTC days). */
export interface PersonRow {
  user: string;
  today: number;
  week: number;
  all: number;
  /** Labeled items whose last write was theirs. */
  items: number;
  lastAt: string | null;
}

export interface DailyEdits {
  date: string;
  user: string;
  edits: number;
}

const DAY_MS = 86_400_000;

/**
 * Joins the stats' per-person totals with the export's per-day rows. All time comes from the
 * stats (what the counters hold); today and 7 days from the days, so the three columns agree
 * whenever the days are at least as fresh as the stats. Most edits in 7 days first.
 */
export function personRows(byUser: StatsResponse['by_user'], days: readonly DailyEdits[], now: number): PersonRow[] {
  const today = isoDay(now);
  const weekStart = isoDay(now - 6 * DAY_MS);
  const rows = new Map<string, PersonRow>();
  const row = (user: string) => {
    const held = rows.get(user);
    if (held) return held;
    const r: PersonRow = { user, today: 0, week: 0, all: 0, items: 0, lastAt: null };
    rows.set(user, r);
    return r;
  };
  for (const u of byUser) Object.assign(row(u.user), { all: u.edits, items: u.items, lastAt: u.last_at });
  for (const d of days) {
    if (d.date < weekStart || d.date > today) continue;
    const r = row(d.user);
    r.week += d.edits;
    if (d.date === today) r.today += d.edits;
  }
  // A day counted after the stats were read must not show more this week than in all.
  for (const r of rows.values()) r.all = Math.max(r.all, r.week);
  return [...rows.values()].sort((a, b) => b.week - a.week || b.all - a.all || a.user.localeCompare(b.user));
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The hours of the timeline grouped into days for the chart's axis: where each UTC day starts. */
export function dayTicks(timeline: StatsResponse['timeline']): { index: number; label: string }[] {
  const out: { index: number; label: string }[] = [];
  timeline.forEach((b, i) => {
    if (b.t.slice(11, 13) === '00') out.push({ index: i, label: new Date(b.t).toLocaleDateString('en-US', { weekday: 'short', timeZone: 'UTC' }) });
  });
  return out;
}
