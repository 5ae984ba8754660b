import type { Filter } from '../../protocol/query.js';

/** Star and tag filters of the grid; they live in the URL (`stars=5,4,0&tag=cat&tag=dog`). */
export interface LabelFilter {
  /** Ratings to show, 0 meaning unrated; empty = any. Kept sorted high to low. */
  stars: number[];
  /** Tags an item must all carry; empty = any. */
  tags: string[];
}

export const NO_LABEL_FILTER: LabelFilter = { stars: [], tags: [] };

export function decodeLabelFilter(params: URLSearchParams): LabelFilter {
  const stars = [...new Set((params.get('stars') ?? '').split(',').filter((s) => /^[0-5]$/.test(s)).map(Number))].sort((a, b) => b - a);
  const tags = [...new Set(params.getAll('tag').map((t) => t.trim()).filter(Boolean))];
  return { stars, tags };
}

/** Query-string parts for a filter, in a fixed order ('' parts omitted). */
export function encodeLabelFilter(f: LabelFilter): string[] {
  const parts: string[] = [];
  if (f.stars.length) parts.push(`stars=${[...f.stars].sort((a, b) => b - a).join(',')}`);
  for (const t of f.tags) parts.push(`tag=${encodeURIComponent(t)}`);
  return parts;
}

export function isFiltering(f: LabelFilter): boolean {
  return f.stars.length > 0 || f.tags.length > 0;
}

/** The `POST /query` clauses: any of the ratings, all of the tags. */
export function toQueryFilters(f: LabelFilter): Filter[] {
  const out: Filter[] = [];
  if (f.stars.length) out.push({ stars: [...f.stars] });
  if (f.tags.length) out.push({ tags_all: [...f.tags] });
  return out;
}

export function toggleStar(f: LabelFilter, star: number): LabelFilter {
  const stars = f.stars.includes(star) ? f.stars.filter((s) => s !== star) : [...f.stars, star].sort((a, b) => b - a);
  return { ...f, stars };
}

export function toggleTag(f: LabelFilter, tag: string): LabelFilter {
  return { ...f, tags: f.tags.includes(tag) ? f.tags.filter((t) => t !== tag) : [...f.tags, tag] };
}

/** "★★★★★, Unrated · cat, dog": the filter in a few words for the toolbar button. */
export function describeLabelFilter(f: LabelFilter): string {
  const stars = f.stars.map((s) => (s === 0 ? 'Unrated' : `${s}★`)).join(', ');
  return [stars, f.tags.join(', ')].filter(Boolean).join(' · ');
}
