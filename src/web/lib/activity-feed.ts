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
  const out: string[] = [];
  if ((before.star ?? 0) !== (after.star ?? 0)) {
    out.push(!after.star ? 'cleared the rating' : !before.star ? `rated ${stars(after.star)}` : `${stars(before.star)} → ${stars(after.star)}`);
  }
  const had = new Set(before.tags);
  const has = new Set(after.tags);
  const added = after.tags.filter((t) => !had.has(t));
  const removed = before.tags.filter((t) => !has.has(t));
  if (added.length) out.push(`added ${added.join(', ')}`);
  if (removed.length) out.push(`removed ${removed.join(', ')}`);
  if (before.notes !== after.notes) out.push(after.notes ? (before.notes ? 'edited notes' : 'added notes') : 'cleared notes');
  if ((before.flag ?? null) !== (after.flag ?? null)) out.push(after.flag === 'pick' ? 'picked' : after.flag === 'reject' ? 'rejected' : 'cleared the flag');
  return out.length ? out.join(' · ') : 'saved again';
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
