import { TIMELINE_HOURS, TOP_TAGS, type LabeledRule, type StatsResponse } from '../../protocol/progress.js';
import type { LabelSnapshot } from '../labels/label-lookup.js';
import { flagOf, hasAnyLabel, starOf } from './labeled-rule.js';

export const HOUR_MS = 3_600_000;

/** One person's label writes: how many, and the newest (epoch ms). */
export interface EditCount {
  edits: number;
  last: number;
}

/**
 * Counts over a set of items (a folder's direct items, or a filtered set): only items with any
 * label contribute, so an item with metrics alone or all labels cleared counts as unlabeled.
 * Tallies add up: a subtree's is the sum of its folders' (FolderCounters keeps that sum).
 */
export class Tally {
  /** Items with any label. */
  labeled = 0;
  /** Items per star 1..5 (index 0 unused: unrated is total minus the rest). */
  readonly stars = [0, 0, 0, 0, 0, 0];
  pick = 0;
  reject = 0;
  readonly tags = new Map<string, number>();
  /** Labeled items per last writer. */
  readonly writers = new Map<string, number>();
  readonly edits = new Map<string, EditCount>();
  /** Label writes per hour (epoch hour → count). */
  readonly hours = new Map<number, number>();

  /** Adds (`sign` 1) or takes away (-1) one item's labels. */
  add(s: LabelSnapshot | undefined, sign: 1 | -1): void {
    if (!s || !hasAnyLabel(s)) return;
    this.labeled += sign;
    this.stars[starOf(s)]! += sign;
    const flag = flagOf(s);
    if (flag === 'pick') this.pick += sign;
    else if (flag === 'reject') this.reject += sign;
    for (const tag of s.tags) bump(this.tags, tag, sign);
    if (s.updated_by !== undefined) bump(this.writers, s.updated_by, sign);
  }

  /** Forgets the items' labels (a reload follows), keeping the edits. */
  clearLabels(): void {
    this.labeled = 0;
    this.stars.fill(0);
    this.pick = 0;
    this.reject = 0;
    this.tags.clear();
    this.writers.clear();
  }

  /** One label write by `user` at `atMs`. */
  edit(user: string, atMs: number): void {
    const held = this.edits.get(user);
    if (held) {
      held.edits++;
      if (atMs > held.last) held.last = atMs;
    } else this.edits.set(user, { edits: 1, last: atMs });
    const hour = Math.floor(atMs / HOUR_MS);
    this.hours.set(hour, (this.hours.get(hour) ?? 0) + 1);
  }

  /** Drops hourly buckets older than the timeline, so a long-lived folder keeps at most a week of them. */
  forgetHoursBefore(hour: number): void {
    for (const h of this.hours.keys()) if (h < hour) this.hours.delete(h);
  }

  /** Labeled items by `rule`, from the counts kept for every rule (changing the setting rebuilds nothing). */
  labeledBy(rule: LabeledRule): number {
    if (rule === 'any') return this.labeled;
    if (rule === 'star') return this.rated();
    if (rule === 'flag') return this.pick + this.reject;
    return this.tags.get(rule.slice(4)) ?? 0;
  }

  private rated(): number {
    return this.stars[1]! + this.stars[2]! + this.stars[3]! + this.stars[4]! + this.stars[5]!;
  }

  /** The `POST /stats` answer for `total` items of which these are the labeled ones. */
  summary(total: number, rule: LabeledRule, nowMs: number): StatsResponse {
    const rated = this.rated();
    const by_tag = [...this.tags]
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, TOP_TAGS)
      .map(([tag, count]) => ({ tag, count }));
    const users = new Set<string>();
    for (const [user, n] of this.writers) if (n > 0) users.add(user);
    for (const user of this.edits.keys()) users.add(user);
    const by_user = [...users]
      .map((user) => {
        const e = this.edits.get(user);
        return { user, edits: e?.edits ?? 0, items: Math.max(0, this.writers.get(user) ?? 0), last_at: e ? new Date(e.last).toISOString() : null };
      })
      .sort((a, b) => b.edits - a.edits || b.items - a.items || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
    const nowHour = Math.floor(nowMs / HOUR_MS);
    const timeline: StatsResponse['timeline'] = [];
    for (let h = nowHour - TIMELINE_HOURS + 1; h <= nowHour; h++) timeline.push({ t: new Date(h * HOUR_MS).toISOString(), edits: this.hours.get(h) ?? 0 });
    return {
      total,
      labeled: this.labeledBy(rule),
      by_star: { 0: Math.max(0, total - rated), 1: this.stars[1]!, 2: this.stars[2]!, 3: this.stars[3]!, 4: this.stars[4]!, 5: this.stars[5]! },
      by_flag: { pick: this.pick, reject: this.reject, none: Math.max(0, total - this.pick - this.reject) },
      by_tag,
      by_user,
      timeline,
    };
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n === 0) map.delete(key);
  else map.set(key, n);
}
