import type { HistoryEntry, VersionLabels } from '../../../protocol/history.js';
import { personName } from '../../api/sync/activity.js';

const stars = (n: number | null) => (n ? '★'.repeat(n) : 'no rating');

/** Short phrases for what one change did: "★★ → ★★★★", "picked", "added cat", "edited notes". */
export function describeChanges(changes: HistoryEntry['changes']): string[] {
  const out: string[] = [];
  if (changes.moved) out.push(`Moved from ${changes.moved.from}`);
  if (changes.star) {
    const { from, to } = changes.star;
    out.push(to === null ? 'cleared the rating' : from === null ? `rated ${stars(to)}` : `${stars(from)} → ${stars(to)}`);
  }
  if (changes.flag) {
    const to = changes.flag.to;
    out.push(to === 'pick' ? 'picked' : to === 'reject' ? 'rejected' : 'cleared the flag');
  }
  if (changes.tags) {
    if (changes.tags.added.length) out.push(`added ${changes.tags.added.join(', ')}`);
    if (changes.tags.removed.length) out.push(`removed ${changes.tags.removed.join(', ')}`);
  }
  if (changes.notes) out.push(changes.notes.to ? (changes.notes.from ? 'edited notes' : 'added notes') : 'cleared notes');
  if (changes.metrics) {
    const keys = Object.keys(changes.metrics);
    if (keys.length) out.push(`metrics ${keys.slice(0, 3).join(', ')}${keys.length > 3 ? '…' : ''}`);
  }
  return out.length ? out : ['no change'];
}

export function whoDid(updatedBy: string | null): string {
  return personName(updatedBy) ?? 'Someone';
}

/** "just now", "5 min ago", "3 h ago", then a date. */
export function relativeTime(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 7) return `${d} d ago`;
  return new Date(at).toISOString().slice(0, 10);
}

/** True when two label states are the same (tags as a set: order alone is no change). */
export function sameVersionLabels(a: VersionLabels, b: VersionLabels): boolean {
  if (a.star !== b.star || (a.flag ?? null) !== (b.flag ?? null) || a.notes !== b.notes || a.tags.length !== b.tags.length) return false;
  const tags = new Set(a.tags);
  return b.tags.every((t) => tags.has(t));
}
