export const ACTIVITY_WINDOW_MS = 30_000;
export const PULSE_MS = 1_400;

interface Change {
  path: string;
  by: string | null;
  at: number;
}

export interface ActivitySummary {
  count: number;
  people: string[];
  message: string | null;
  /** When the summary next changes on its own (the oldest change leaves the window). */
  expiresAt: number | null;
}

/** A display name worth showing: not a client id, not a placeholder the server fills in. */
export function personName(updatedBy: string | null | undefined): string | null {
  const name = updatedBy?.trim();
  if (!name) return null;
  if (['server', 'web', 'anonymous', 'unknown', 'metrics-worker'].includes(name.toLowerCase())) return null;
  if (/^[0-9a-f-]{16,}(:\d+)?$/i.test(name) || /^[A-Za-z0-9_-]{20,}$/.test(name)) return null;
  return name;
}

/** Other people's changes over the last 30 s, for the "Someone updated items…" banner. */
export class RecentActivity {
  private changes: Change[] = [];

  constructor(private readonly windowMs = ACTIVITY_WINDOW_MS) {}

  record(path: string, updatedBy: string | null, at: number): void {
    this.changes = this.changes.filter((c) => c.path !== path);
    this.changes.push({ path, by: personName(updatedBy), at });
  }

  summary(now: number): ActivitySummary {
    this.changes = this.changes.filter((c) => now - c.at < this.windowMs);
    const count = this.changes.length;
    const people = [...new Set(this.changes.map((c) => c.by).filter((n): n is string => n !== null))];
    const anonymous = this.changes.some((c) => c.by === null);
    const expiresAt = count ? Math.min(...this.changes.map((c) => c.at)) + this.windowMs : null;
    return { count, people, message: count ? activityMessage(people, anonymous, this.windowMs) : null, expiresAt };
  }
}

export function activityMessage(people: string[], someoneElse: boolean, windowMs = ACTIVITY_WINDOW_MS): string {
  const secs = `${Math.round(windowMs / 1000)}s`;
  const names = someoneElse && people.length ? [...people, 'others'] : people;
  let who: string;
  if (names.length === 0) who = 'Someone';
  else if (names.length === 1) who = names[0]!;
  else if (names.length <= 3) who = `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  else who = `${names.slice(0, 2).join(', ')} and ${names.length - 2} others`;
  return `${who} updated items in the last ${secs}`;
}

/** Grid cells changed by someone else glow briefly; keyed by path with the time of the change. */
export class Pulses {
  private readonly marks = new Map<string, number>();

  mark(path: string, now: number): void {
    this.marks.set(path, now);
  }

  /** The time `path` started pulsing if it still is, else null. */
  since(path: string, now: number): number | null {
    const at = this.marks.get(path);
    if (at === undefined) return null;
    if (now - at >= PULSE_MS) {
      this.marks.delete(path);
      return null;
    }
    return at;
  }
}
