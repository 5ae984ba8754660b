import type { Flag } from '../../protocol/items.js';
import type { LabelChanges } from '../../protocol/history.js';
import { baseName, parentPath } from '../../protocol/paths.js';
import type { ActivityEntry } from '../../protocol/progress.js';

/** The labels of an item as an `item-updated` event carries them. */
export interface LabelState {
  star: number | null;
  tags: readonly string[];
  notes: string;
  flag?: string | null;
}

export interface FeedEntry {
  /** The event id (unique, increasing), or a local sequence for events without one. */
  id: number;
  path: string;
  who: string;
  what: string;
  at: string;
}

export const FEED_LENGTH = 100;

const stars = (n: number | null) => (n ? '★'.repeat(n) : 'no rating');

/**
 * "rated ★★★", "added cat", "★★ → ★★★★", "edited notes": what a change did, from the labels
 * before it when they are known, else what the item holds now.
 */
export function describeLabelChange(before: LabelState | undefined, after: LabelState): string {
  if (!before) {
    const parts = [after.star ? `rated ${stars(after.star)}` : '', after.tags.length ? `tagged ${after.tags.join(', ')}` : '', after.notes ? 'notes' : ''];
    if (after.flag) parts.push(after.flag === 'pick' ? 'picked' : 'rejected');
    const said = parts.filter(Boolean);
    return said.length ? said.join(' · ') : 'cleared the labels';
  }
  const changes: LabelChanges = {};
  if ((before.star ?? 0) !== (after.star ?? 0)) changes.star = { from: before.star, to: after.star };
  const had = new Set(before.tags);
  const has = new Set(after.tags);
  const added = after.tags.filter((t) => !had.has(t));
  const removed = before.tags.filter((t) => !has.has(t));
  if (added.length || removed.length) changes.tags = { added, removed };
  if (before.notes !== after.notes) changes.notes = { from: before.notes, to: after.notes };
  const [flagBefore, flagAfter] = [flagOf(before.flag), flagOf(after.flag)];
  if (flagBefore !== flagAfter) changes.flag = { from: flagBefore, to: flagAfter };
  return describeChanges(changes);
}

/** What one write changed, as the server's history and activity feed give it. */
export function describeChanges(changes: LabelChanges): string {
  const out: string[] = [];
  const { star, tags, notes, flag, metrics, moved } = changes;
  if (moved) out.push(`moved from ${parentName(moved.from)}`);
  if (star && (star.from ?? 0) !== (star.to ?? 0)) {
    out.push(!star.to ? 'cleared the rating' : !star.from ? `rated ${stars(star.to)}` : `${stars(star.from)} → ${stars(star.to)}`);
  }
  if (tags?.added.length) out.push(`added ${tags.added.join(', ')}`);
  if (tags?.removed.length) out.push(`removed ${tags.removed.join(', ')}`);
  if (notes) out.push(notes.to ? (notes.from ? 'edited notes' : 'added notes') : 'cleared notes');
  if (flag) out.push(flag.to === 'pick' ? 'picked' : flag.to === 'reject' ? 'rejected' : 'cleared the flag');
  const names = Object.keys(metrics ?? {});
  if (names.length) out.push(`set ${names.length > 3 ? `${names.length} metrics` : names.join(', ')}`);
  return out.length ? out.join(' · ') : 'saved again';
}

/** A server activity entry as the feed lists it; `who` is the display name (personName's). */
export function feedEntryOf(entry: ActivityEntry, who: string): FeedEntry {
  return { id: entry.id, path: entry.path, who, what: describeChanges(entry.changes), at: entry.at };
}

/**
 * The server's pages and the live entries of the scope as one list, newest first, each event
 * once: the server's entry wins (it knows exactly what changed; a live one may only know the
 * labels after the change).
 */
export function mergeFeed(server: readonly FeedEntry[], live: readonly FeedEntry[]): FeedEntry[] {
  const ids = new Set(server.map((e) => e.id));
  const merged = [...server, ...live.filter((e) => !ids.has(e.id))];
  return merged.sort((a, b) => b.id - a.id);
}

function flagOf(flag: string | null | undefined): Flag {
  return flag === 'pick' || flag === 'reject' ? flag : null;
}

function parentName(path: string): string {
  const folder = parentPath(path);
  return folder === '/' ? 'the top folder' : baseName(folder);
}

/**
 * The newest first, at most FEED_LENGTH, one entry per event (a replayed event after a reconnect
 * is not listed twice).
 */
export function addToFeed(feed: readonly FeedEntry[], entry: FeedEntry): FeedEntry[] {
  if (feed.some((e) => e.id === entry.id)) return feed as FeedEntry[];
  const next = [entry, ...feed];
  next.sort((a, b) => b.id - a.id);
  return next.length > FEED_LENGTH ? next.slice(0, FEED_LENGTH) : next;
}

/** Only entries inside `scope` (a folder and its subtree). */
export function feedWithin(feed: readonly FeedEntry[], scope: string): FeedEntry[] {
  if (scope === '/') return feed as FeedEntry[];
  const prefix = `${scope}/`;
  return feed.filter((e) => e.path.startsWith(prefix));
}
