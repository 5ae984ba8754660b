import type { PresenceUser } from '../../protocol/presence.js';

/**
 * Soft claims: who else has which item open ("Bob is on this item"), from the names presence
 * lists for the folder on screen. My own name is left out (my other tabs are me too); names
 * compare without case, as the server keys people.
 */
export function claimsOf(users: readonly PresenceUser[] | undefined, me: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const self = me?.trim().toLowerCase() ?? '';
  for (const u of users ?? []) {
    if (!u.item || u.name.trim().toLowerCase() === self) continue;
    const names = out.get(u.item);
    if (names) names.push(u.name);
    else out.set(u.item, [u.name]);
  }
  return out;
}

/** "Bob is on this item", "Bob and Cy are on this item", "Bob, Cy and 2 others are on this item". */
export function claimText(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is on this item`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are on this item`;
  const others = names.length - 2;
  return `${names[0]}, ${names[1]} and ${others} other${others === 1 ? '' : 's'} are on this item`;
}
