import { canonicalPath } from '../../../protocol/paths.js';
import type { Filter, NumberRange, QuerySort } from '../../../protocol/query.js';
import { type View, viewSchema } from '../../../protocol/views.js';

/**
 * The Python Lenslet's smart folders (`views.json`, `<t>.parquet.lenslet.json`) as ours. A clause
 * or sort with an exact equivalent is converted; one that only has a broader one (name or notes
 * "contains" → our text filter, which also matches the path) is converted and noted; the rest is
 * dropped and listed, one line each, so nobody wonders why a folder shows more than it did.
 */
export interface ConvertedViews {
  views: View[];
  /** What has no (exact) equivalent, one line each. */
  notes: string[];
  /** Views that could not be converted at all. */
  invalid: number;
}

type Compare = { op?: unknown; value?: unknown };
const STARS = [0, 1, 2, 3, 4, 5];
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** True when `json` looks like the Python views file rather than ours (which has no `pool`). */
export function isPythonViewsDocument(json: unknown): boolean {
  const views = (json as { views?: unknown } | null)?.views;
  return Array.isArray(views) && views.some((v) => v && typeof v === 'object' && 'pool' in v && 'view' in v);
}

export function convertPythonViews(json: unknown): ConvertedViews {
  const out: ConvertedViews = { views: [], notes: [], invalid: 0 };
  const raw = (json as { views?: unknown } | null)?.views;
  if (!Array.isArray(raw)) return out;
  for (const entry of raw) {
    const view = convertView(entry, out.notes);
    if (view) out.views.push(view);
    else out.invalid++;
  }
  return out;
}

function convertView(entry: unknown, notes: string[]): View | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  const e = entry as { id?: unknown; name?: unknown; pool?: { kind?: unknown; path?: unknown }; view?: { filters?: { and?: unknown }; sort?: unknown; selectedMetric?: unknown } };
  if (typeof e.id !== 'string' || typeof e.name !== 'string') return undefined;
  const label = `smart folder ${JSON.stringify(e.name)} (${e.id})`;
  const note = (what: string) => notes.push(`${label}: ${what}`);
  let path = '/';
  if (e.pool?.kind === 'folder' && typeof e.pool.path === 'string') {
    const p = canonicalPath(e.pool.path);
    if (p.ok) path = p.path;
    else note(`folder ${JSON.stringify(e.pool.path)} is not a valid path; it shows the root instead`);
  } else if (e.pool !== undefined) {
    note(`pool ${JSON.stringify(e.pool)} has no equivalent; it shows the root instead`);
  }
  const filters: Filter[] = [];
  const clauses = e.view?.filters?.and;
  if (Array.isArray(clauses)) {
    for (const clause of clauses) {
      const converted = convertClause(clause);
      if (converted.filter) filters.push(converted.filter);
      if (converted.note) note(converted.note);
    }
  }
  const view: View = { id: e.id, name: e.name, path, recursive: true, filters };
  const sort = convertSort(e.view?.sort);
  if (sort.sort) view.sort = sort.sort;
  if (sort.note) note(sort.note);
  if (typeof e.view?.selectedMetric === 'string' && e.view.selectedMetric !== '') view.metric = e.view.selectedMetric;
  const parsed = viewSchema.safeParse(view);
  if (!parsed.success) {
    note(`not imported: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    return undefined;
  }
  return parsed.data;
}

function convertClause(clause: unknown): { filter?: Filter; note?: string } {
  if (!clause || typeof clause !== 'object') return { note: `filter ${JSON.stringify(clause)} is not a clause; dropped` };
  const [kind, body] = Object.entries(clause as Record<string, unknown>)[0] ?? [];
  const b = (body ?? {}) as Record<string, unknown>;
  const dropped = `filter ${kind} ${JSON.stringify(body)} has no equivalent; dropped`;
  switch (kind) {
    case 'starsIn':
    case 'starsNotIn': {
      const values = Array.isArray(b.values) ? b.values.filter((v): v is number => STARS.includes(v as number)) : [];
      if (values.length === 0) return {};
      return { filter: { stars: kind === 'starsIn' ? values : STARS.filter((s) => !values.includes(s)) } };
    }
    case 'nameContains':
    case 'notesContains': {
      const value = typeof b.value === 'string' ? b.value.trim() : '';
      if (value === '') return {};
      return { filter: { text: value }, note: `filter ${kind} ${JSON.stringify(value)} became a text filter, which also matches the path${kind === 'nameContains' ? ' and notes' : ' and name'}` };
    }
    case 'dateRange': {
      const added: { from?: string; to?: string } = {};
      const from = dateBound(b.from, false);
      const to = dateBound(b.to, true);
      if (from === null || to === null) return { note: dropped };
      if (from) added.from = from;
      if (to) added.to = to;
      return added.from || added.to ? { filter: { added } } : {};
    }
    case 'widthCompare':
    case 'heightCompare': {
      const range = compareRange(b as Compare);
      if (!range) return { note: dropped };
      return { filter: kind === 'widthCompare' ? { width: range } : { height: range } };
    }
    case 'metricRange': {
      const min = toNumber(b.min);
      const max = toNumber(b.max);
      if (typeof b.key !== 'string' || b.key === '' || min === undefined || max === undefined) return { note: dropped };
      return { filter: { metric: b.key, min, max } };
    }
    default:
      // nameNotContains, notesNotContains, urlContains, urlNotContains, categoricalIn, …
      return { note: dropped };
  }
}

/** Python's `to` was inclusive (a date alone meant its whole day); ours is exclusive. Null: unreadable. */
function dateBound(raw: unknown, isEnd: boolean): string | undefined | null {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  if (!isEnd) return new Date(ms).toISOString();
  return new Date(ms + (DATE_ONLY.test(text) ? DAY_MS : 1)).toISOString();
}

function compareRange(c: Compare): NumberRange | undefined {
  const value = toNumber(c.value);
  if (value === undefined) return undefined;
  switch (c.op) {
    case '<':
      return { lt: value };
    case '<=':
      return { lte: value };
    case '>':
      return { gt: value };
    case '>=':
      return { gte: value };
    default:
      return undefined;
  }
}

function convertSort(raw: unknown): { sort?: QuerySort; note?: string } {
  if (raw === undefined || raw === null) return {};
  const s = raw as { kind?: unknown; key?: unknown; dir?: unknown };
  const order = s.dir === 'desc' ? 'desc' : 'asc';
  if (s.kind === 'builtin' && (s.key === 'name' || s.key === 'added' || s.key === 'random')) return { sort: { key: s.key, order } };
  if (s.kind === 'metric' && typeof s.key === 'string' && s.key !== '') return { sort: { key: `metric:${s.key}`, order } };
  return { note: `sort ${JSON.stringify(raw)} has no equivalent; the default order is used instead` };
}

function toNumber(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}
