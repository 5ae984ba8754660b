import type { Filter } from '../../protocol/query.js';

/** A flag to show: `none` is unflagged. */
export type FlagChoice = 'pick' | 'reject' | 'none';
export const FLAG_CHOICES: readonly FlagChoice[] = ['pick', 'reject', 'none'];
const FLAG_WORDS: Record<FlagChoice, string> = { pick: 'Picks', reject: 'Rejects', none: 'Unflagged' };

/** Star, flag and tag filters of the grid; they live in the URL (`stars=5,4,0&flags=pick&tag=cat&tag=dog`). */
export interface LabelFilter {
  /** Ratings to show, 0 meaning unrated; empty = any. Kept sorted high to low. */
  stars: number[];
  /** Flags to show; empty = any. Kept in FLAG_CHOICES order. */
  flags: FlagChoice[];
  /** Tags an item must all carry; empty = any. */
  tags: string[];
}

export const NO_LABEL_FILTER: LabelFilter = { stars: [], flags: [], tags: [] };

function inFlagOrder(flags: Iterable<FlagChoice>): FlagChoice[] {
  const set = new Set(flags);
  return FLAG_CHOICES.filter((f) => set.has(f));
}

export function decodeLabelFilter(params: URLSearchParams): LabelFilter {
  const stars = [...new Set((params.get('stars') ?? '').split(',').filter((s) => /^[0-5]$/.test(s)).map(Number))].sort((a, b) => b - a);
  const flags = inFlagOrder((params.get('flags') ?? '').split(',').filter((f): f is FlagChoice => (FLAG_CHOICES as string[]).includes(f)));
  const tags = [...new Set(params.getAll('tag').map((t) => t.trim()).filter(Boolean))];
  return { stars, flags, tags };
}

/** Query-string parts for a filter, in a fixed order ('' parts omitted). */
export function encodeLabelFilter(f: LabelFilter): string[] {
  const parts: string[] = [];
  if (f.stars.length) parts.push(`stars=${[...f.stars].sort((a, b) => b - a).join(',')}`);
  if (f.flags.length) parts.push(`flags=${inFlagOrder(f.flags).join(',')}`);
  for (const t of f.tags) parts.push(`tag=${encodeURIComponent(t)}`);
  return parts;
}

export function isFiltering(f: LabelFilter): boolean {
  return f.stars.length > 0 || f.flags.length > 0 || f.tags.length > 0;
}

/** The `POST /query` clauses: any of the ratings, any of the flags, all of the tags. */
export function toQueryFilters(f: LabelFilter): Filter[] {
  const out: Filter[] = [];
  if (f.stars.length) out.push({ stars: [...f.stars] });
  if (f.flags.length) out.push({ flags: [...f.flags] });
  if (f.tags.length) out.push({ tags_all: [...f.tags] });
  return out;
}

export function toggleStar(f: LabelFilter, star: number): LabelFilter {
  const stars = f.stars.includes(star) ? f.stars.filter((s) => s !== star) : [...f.stars, star].sort((a, b) => b - a);
  return { ...f, stars };
}

export function toggleFlag(f: LabelFilter, flag: FlagChoice): LabelFilter {
  return { ...f, flags: f.flags.includes(flag) ? f.flags.filter((x) => x !== flag) : inFlagOrder([...f.flags, flag]) };
}

/** "Picks, Unflagged": the flag part of a filter in words. */
export function describeFlags(flags: readonly FlagChoice[]): string {
  return flags.map((f) => FLAG_WORDS[f]).join(', ');
}

export function toggleTag(f: LabelFilter, tag: string): LabelFilter {
  return { ...f, tags: f.tags.includes(tag) ? f.tags.filter((t) => t !== tag) : [...f.tags, tag] };
}

/** "★★★★★, Unrated · Picks · cat, dog": the filter in a few words for the toolbar button. */
export function describeLabelFilter(f: LabelFilter): string {
  const stars = f.stars.map((s) => (s === 0 ? 'Unrated' : `${s}★`)).join(', ');
  return [stars, describeFlags(f.flags), f.tags.join(', ')].filter(Boolean).join(' · ');
}
