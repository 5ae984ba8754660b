import type { Filter, NumberRange } from '../../protocol/query.js';
import type { Catalog } from '../catalog/catalog.js';
import type { LabelSnapshot } from '../labels/label-lookup.js';
import { type LabelIndex, MASKED_TAGS } from './label-index.js';
import type { PathText } from './path-text.js';

/**
 * Filter evaluation as tight loops over typed arrays. A query starts from the ids in scope and each
 * clause compacts that list in place, so later clauses only look at survivors. Label clauses mark
 * the (few) labeled ids in a scratch array and decide every unlabeled id with one precomputed
 * answer, instead of looking each row's labels up by path.
 */
export interface FilterContext {
  catalog: Catalog;
  labels: LabelIndex;
  /** The value of `metric` per id with label metrics applied; NaN = missing. */
  metricValues(metric: string): Float64Array | undefined;
  /** The lower-cased paths, up to date with the catalog. */
  pathText(): PathText;
  scratch(): Uint8Array;
}

export interface IdList {
  ids: Int32Array;
  count: number;
}

export function applyFilters(list: IdList, filters: readonly Filter[], ctx: FilterContext): void {
  for (const filter of filters) {
    if (list.count === 0) return;
    applyFilter(list, filter, ctx);
  }
}

export function applyFilter(list: IdList, filter: Filter, ctx: FilterContext): void {
  if ('metric' in filter) metricRange(list, filter.metric, filter.min, filter.max, ctx);
  else if ('stars' in filter) stars(list, filter.stars, ctx);
  else if ('flags' in filter) flags(list, filter.flags, ctx);
  else if ('tags_any' in filter) tags(list, filter.tags_any, 'any', ctx);
  else if ('tags_all' in filter) tags(list, filter.tags_all, 'all', ctx);
  else if ('tags_none' in filter) tags(list, filter.tags_none, 'none', ctx);
  else if ('text' in filter) text(list, filter.text, ctx);
  else if ('width' in filter) intRange(list, ctx.catalog.width, filter.width);
  else if ('height' in filter) intRange(list, ctx.catalog.height, filter.height);
  else if ('added' in filter) addedRange(list, filter.added.from, filter.added.to, ctx.catalog.added);
}

function metricRange(list: IdList, metric: string, min: number | undefined, max: number | undefined, ctx: FilterContext): void {
  const values = ctx.metricValues(metric);
  if (!values) {
    list.count = 0; // nobody has the metric, and missing values never match
    return;
  }
  list.count = keepInRange(list.ids, list.count, values, min ?? -Infinity, max ?? Infinity);
}

/** Compacts `ids` to those whose value is in [lo, hi]; how many. A function of its own, as `markAnswers`. */
function keepInRange(ids: Int32Array, count: number, values: Float64Array, lo: number, hi: number): number {
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    const v = values[id]!;
    if (v >= lo && v <= hi) ids[kept++] = id; // NaN fails both comparisons
  }
  return kept;
}

/** `answer` per labeled id: 1 = passes, 2 = fails; 0 = unlabeled, decided by `unlabeledPasses`. */
function keepByLabelAnswer(list: IdList, answers: Uint8Array, unlabeledPasses: boolean): void {
  const ids = list.ids;
  let kept = 0;
  for (let i = 0; i < list.count; i++) {
    const id = ids[i]!;
    const a = answers[id]!;
    if (a === 0 ? unlabeledPasses : a === 1) ids[kept++] = id;
  }
  list.count = kept;
}

function stars(list: IdList, wanted: readonly number[], ctx: FilterContext): void {
  const want = new Set(wanted);
  // The answer per star value (0 for null), read from the index's star column.
  const answerOf = new Uint8Array(256).fill(2);
  for (const star of want) if (Number.isInteger(star) && star >= 0 && star < 256) answerOf[star] = 1;
  const answers = ctx.scratch();
  markAnswers(answers, ctx.labels.ids, ctx.labels.stars, answerOf);
  keepByLabelAnswer(list, answers, want.has(0));
}

/** F2: `none` keeps the unflagged (every unlabeled item among them); an empty list keeps nothing, like `stars: []`. */
function flags(list: IdList, wanted: readonly ('pick' | 'reject' | 'none')[], ctx: FilterContext): void {
  const want = new Set(wanted);
  // By the index's flag column: 0 unflagged, 1 pick, 2 reject.
  const answerOf = Uint8Array.of(want.has('none') ? 1 : 2, want.has('pick') ? 1 : 2, want.has('reject') ? 1 : 2);
  const answers = ctx.scratch();
  markAnswers(answers, ctx.labels.ids, ctx.labels.flags, answerOf);
  keepByLabelAnswer(list, answers, want.has('none'));
}

function tags(list: IdList, wanted: readonly string[], mode: 'any' | 'all' | 'none', ctx: FilterContext): void {
  if (wanted.length === 0) return; // an empty clause constrains nothing
  const want = new Set(wanted);
  const { ids, tagMasks, moreTags, tagNumbers } = ctx.labels;
  // The wanted tags by their numbers in the index (a tag no item has has none: nobody hits it):
  // those below MASKED_TAGS as a mask, the others as a list looked up in `moreTags`.
  let wantMask = 0;
  const wantMore: number[] = [];
  for (const tag of want) {
    const n = tagNumbers.get(tag);
    if (n === undefined) continue;
    if (n < MASKED_TAGS) wantMask |= 1 << n;
    else wantMore.push(n);
  }
  const wanted32 = bitCount(wantMask) + wantMore.length;
  // The answer by how many wanted tags an item has, decided once: the loop below has no branch
  // on the mode (one per mode, taken once per request, would leave V8 without type feedback).
  const answerByHits = new Uint8Array(wanted32 + 1);
  for (let hits = 0; hits <= wanted32; hits++) {
    const pass = mode === 'any' ? hits > 0 : mode === 'all' ? hits === want.size : hits === 0;
    answerByHits[hits] = pass ? 1 : 2;
  }
  const answers = ctx.scratch();
  markTagAnswers(answers, ids, tagMasks, wantMask >>> 0, answerByHits);
  // Tags past the mask: the few entries that have any get their answer again, counting those too.
  if (wantMore.length > 0) {
    for (const [entry, more] of moreTags) {
      let hits = bitCount(tagMasks[entry]! & wantMask);
      for (const n of wantMore) if (more.includes(n)) hits++;
      answers[ids[entry]!] = answerByHits[hits]!;
    }
  }
  keepByLabelAnswer(list, answers, mode === 'none');
}

/**
 * `answers[ids[i]] = answerOf[column[i]]`: each labeled id's answer from its value in a column of
 * the label index. The hot loops are functions of their own with nothing after the loop, so V8
 * optimizes them whole instead of entering at the loop and deoptimizing on the first line after it
 * (which it would, once per request).
 */
function markAnswers(answers: Uint8Array, ids: Int32Array, column: Uint8Array, answerOf: Uint8Array): void {
  for (let i = 0; i < ids.length; i++) answers[ids[i]!] = answerOf[column[i]!]!;
}

/** `markAnswers` for tags below MASKED_TAGS: the answer by how many of the wanted ones each entry has. */
function markTagAnswers(answers: Uint8Array, ids: Int32Array, tagMasks: Uint32Array, wantMask: number, answerByHits: Uint8Array): void {
  for (let i = 0; i < ids.length; i++) answers[ids[i]!] = answerByHits[bitCount(tagMasks[i]! & wantMask)]!;
}

/** Set bits in a 32-bit word. */
export function bitCount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** F1: the lower-cased needle in the lower-cased path (so in the name, its last segment) or in the notes. */
function text(list: IdList, query: string, ctx: FilterContext): void {
  const needle = query.trim().toLowerCase();
  if (needle === '') return;
  const paths = ctx.pathText();
  const noteHits = ctx.scratch();
  markNoteHits(noteHits, ctx.labels.ids, ctx.labels.labels, needle);
  paths.keep(list, needle, noteHits);
}

function markNoteHits(noteHits: Uint8Array, ids: Int32Array, labels: readonly LabelSnapshot[], needle: string): void {
  for (let i = 0; i < ids.length; i++) {
    const notes = labels[i]!.notes;
    if (notes !== '' && notes.toLowerCase().includes(needle)) noteHits[ids[i]!] = 1;
  }
}

/** Width and height are 0 when unknown; unknown never matches a range. */
function intRange(list: IdList, values: Int32Array, range: NumberRange): void {
  const gt = range.gt ?? -Infinity;
  const gte = range.gte ?? -Infinity;
  const lt = range.lt ?? Infinity;
  const lte = range.lte ?? Infinity;
  const ids = list.ids;
  let kept = 0;
  for (let i = 0; i < list.count; i++) {
    const id = ids[i]!;
    const v = values[id]!;
    if (v > 0 && v > gt && v >= gte && v < lt && v <= lte) ids[kept++] = id;
  }
  list.count = kept;
}

function addedRange(list: IdList, from: string | undefined, to: string | undefined, added: Float64Array): void {
  const lo = from === undefined ? -Infinity : Date.parse(from);
  const hi = to === undefined ? Infinity : Date.parse(to);
  const ids = list.ids;
  let kept = 0;
  for (let i = 0; i < list.count; i++) {
    const id = ids[i]!;
    const v = added[id]!;
    if (v !== 0 && v >= lo && v < hi) ids[kept++] = id;
  }
  list.count = kept;
}

/** The metric a clause constrains, if it is a metric clause. */
export function filterMetric(filter: Filter): string | undefined {
  return 'metric' in filter ? filter.metric : undefined;
}
