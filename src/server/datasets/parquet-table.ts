import type { Flag } from '../../protocol/items.js';
import { canonicalPath } from '../../protocol/paths.js';
import type { Catalog, NewEntry } from '../catalog/catalog.js';
import { mimeForName } from '../media/formats.js';
import type { ColumnValues, ParquetTable, TableColumn } from './parquet-reader.js';
import { inProcessNumericReader, type NumericReader, type NumericTarget } from './parquet-numeric.js';
import { detectSourceColumn, pathOfSlashed, suffixed } from './source-detect.js';

/**
 * Loads a table (a Parquet file, or rows handed to `launch`) into the Catalog slice by slice,
 * yielding to the event loop between slices so `/health` answers and shows progress meanwhile.
 * Metric values go straight into the catalog's Float64Array columns; label columns (tags, star,
 * notes) are kept aside as seeds for the label store, never applied over existing labels here.
 */
export interface TableLoadOptions {
  /** Local sources resolve against it and must stay inside it. */
  baseDir: string;
  sourceColumn?: string;
  pathColumn?: string;
  /** The stable id column (see `ID_COLUMN_NAMES` for the default). */
  idColumn?: string;
  /** `added` for rows without a time column (the table file's mtime). */
  defaultAddedMs: number;
  onProgress?: (done: number, total: number) => void;
  /** Called once every row's path is in the catalog, before the numbers are all decoded and applied. */
  onPathsIn?: () => void;
  /** Keep each row's catalog id (`LoadedTable.rowToId`): an embedding column is read by row after the load. */
  keepRowIds?: boolean;
}

export interface TableLayout {
  source: string;
  path?: string;
  /** The column of stable row ids, and whether it was named or found by its name. */
  id?: TableColumn & { given: boolean };
  width?: string;
  height?: string;
  size?: string;
  added?: TableColumn;
  mime?: string;
  tags?: TableColumn;
  star?: string;
  flag?: string;
  notes?: string;
  metrics: string[];
}

export interface SeedLabel {
  id: number;
  tags: string[];
  star: number | null;
  flag: Flag;
  notes: string;
}

export interface LoadedTable {
  layout: TableLayout;
  rows: number;
  loaded: number;
  skipped: { row: number; reason: string }[];
  skippedCount: number;
  seeds: SeedLabel[];
  /**
   * Each loaded row's id, indexed by catalog id (one array, not an object per row: 1M rows stay
   * compact); undefined for rows without an identity. Empty without an id column.
   */
  rowIds: (string | undefined)[];
  /** Rows with an empty or null id, and rows repeating an id seen before (the first one keeps it). */
  idsMissing: number;
  idsDuplicated: number;
  /** With `keepRowIds`: the catalog id of each row, -1 for a skipped row. */
  rowToId?: Int32Array;
}

/** Columns taken as the id column when none is named: the first of the table's columns so named. */
export const ID_COLUMN_NAMES: readonly string[] = ['id', 'image_id', 'uuid', 'sha256'];
/** Kinds an id can be read from as text (numbers as decimal text, raw bytes as hex). */
const ID_KINDS: readonly TableColumn['kind'][] = ['string', 'number', 'other'];

const ALIASES = {
  width: ['width', 'w'],
  height: ['height', 'h'],
  size: ['size', 'bytes', 'file_size'],
  added: ['added', 'added_at', 'mtime', 'modified', 'modified_at', 'created_at', 'created', 'timestamp', 'date_added'],
  mime: ['mime', 'mime_type', 'type'],
  tags: ['tags'],
  star: ['star', 'stars', 'rating'],
  flag: ['flag'],
  notes: ['notes'],
} as const;
const MAX_SKIPPED_EXAMPLES = 20;
const DETECT_ROWS = 500;

export class TableLoadError extends Error {}

export async function detectLayout(table: ParquetTable, options: TableLoadOptions): Promise<TableLayout> {
  const byLower = new Map(table.columns.map((c) => [c.name.toLowerCase(), c]));
  const named = (name: string | undefined, what: string): TableColumn | undefined => {
    if (name === undefined) return undefined;
    const column = table.columns.find((c) => c.name === name) ?? byLower.get(name.toLowerCase());
    if (!column) throw new TableLoadError(`${what} column "${name}" is not in the table (columns: ${table.columns.map((c) => c.name).join(', ')})`);
    if (column.kind !== 'string') throw new TableLoadError(`${what} column "${column.name}" does not hold strings`);
    return column;
  };
  let source = named(options.sourceColumn, 'source');
  const pathColumn = named(options.pathColumn, 'path');
  if (!source) {
    const candidates = table.columns.filter((c) => c.kind === 'string' && c !== pathColumn);
    const sample = await table.read(candidates, 0, Math.min(table.rowCount, DETECT_ROWS));
    const name = detectSourceColumn(sample.columns as Map<string, (string | null)[]>, options.baseDir);
    source = candidates.find((c) => c.name === name);
    if (!source) throw new TableLoadError('no column holds image paths or URLs; name it with --source-column');
  }
  const alias = (names: readonly string[], kinds: TableColumn['kind'][]): TableColumn | undefined => {
    for (const n of names) {
      const c = byLower.get(n);
      if (c && c !== source && c !== pathColumn && kinds.includes(c.kind)) return c;
    }
    return undefined;
  };
  const layout: TableLayout = {
    source: source.name,
    path: pathColumn?.name,
    width: alias(ALIASES.width, ['number'])?.name,
    height: alias(ALIASES.height, ['number'])?.name,
    size: alias(ALIASES.size, ['number'])?.name,
    added: alias(ALIASES.added, ['timestamp', 'number', 'string']),
    mime: alias(ALIASES.mime, ['string'])?.name,
    tags: alias(ALIASES.tags, ['string-list', 'string']),
    star: alias(ALIASES.star, ['number'])?.name,
    flag: alias(ALIASES.flag, ['string'])?.name,
    notes: alias(ALIASES.notes, ['string'])?.name,
    metrics: [],
  };
  layout.id = idColumnOf(table, options.idColumn);
  const reserved = new Set([layout.width, layout.height, layout.size, layout.added?.name, layout.star, layout.id?.name]);
  layout.metrics = table.columns.filter((c) => c.kind === 'number' && !reserved.has(c.name)).map((c) => c.name);
  return layout;
}

function idColumnOf(table: ParquetTable, name: string | undefined): TableLayout['id'] {
  if (name === undefined) {
    const found = table.columns.find((c) => ID_COLUMN_NAMES.includes(c.name) && ID_KINDS.includes(c.kind));
    return found && { ...found, given: false };
  }
  const column = table.columns.find((c) => c.name === name);
  if (!column) throw new TableLoadError(`id column "${name}" is not in the table (columns: ${table.columns.map((c) => c.name).join(', ')})`);
  if (!ID_KINDS.includes(column.kind)) throw new TableLoadError(`id column "${name}" holds ${column.kind} values, not ids (strings, numbers or bytes)`);
  return { ...column, given: true };
}

export async function loadTable(
  table: ParquetTable,
  catalog: Catalog,
  options: TableLoadOptions,
  numericReader?: NumericReader,
): Promise<LoadedTable> {
  const fallbackReader = inProcessNumericReader(table);
  numericReader ??= fallbackReader;
  const layout = await detectLayout(table, options);
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  // Strings are read here; numbers (dimensions, size, times, metrics) by `numericReader`, which may
  // run on another core, and are applied once the slice's rows have ids. The source column is
  // read with a `/` before each value: most sources are their own logical path that way.
  const sourceColumn = byName.get(layout.source)!;
  const stringNames = [layout.path, layout.mime, layout.tags?.name, layout.notes, layout.star, layout.flag];
  if (layout.added && layout.added.kind === 'string') stringNames.push(layout.added.name);
  const stringColumns = [...new Set(stringNames.filter((n): n is string => n !== undefined))].map((n) => byName.get(n)!);
  const numericNames = [layout.width, layout.height, layout.size, ...layout.metrics];
  if (layout.added && layout.added.kind !== 'string') numericNames.push(layout.added.name);
  const numeric = [...new Set(numericNames.filter((n): n is string => n !== undefined))];

  const pathSlots = catalog.size + table.rowCount;
  const columns = numericColumns(catalog, layout, numeric, table.rowCount);
  const result: LoadedTable = { layout, rows: table.rowCount, loaded: 0, skipped: [], skippedCount: 0, seeds: [], rowIds: [], idsMissing: 0, idsDuplicated: 0 };
  // Only for the load: which ids were seen, so a repeated one is told apart from the first.
  const seenIds = new Set<string>();
  // A slice's numbers are applied once its rows have ids and the reader has decoded them, in order.
  const sliceIds: (Int32Array | undefined)[] = [];
  let decodedThrough = numeric.length === 0 ? table.rowCount : 0;
  let applied = 0;
  const applyReady = (): void => {
    while (applied < sliceIds.length && table.slices[applied]!.rowEnd <= decodedThrough) {
      applyNumeric(catalog, layout, columns, table.slices[applied]!.rowStart, sliceIds[applied]!, options.defaultAddedMs);
      sliceIds[applied++] = undefined;
    }
  };
  const onRows = (rowEnd: number): void => {
    decodedThrough = Math.max(decodedThrough, rowEnd);
    applyReady();
  };
  // If a worker fails (e.g. its memory cap), the rows it did not decode are read here instead.
  const numbersDone = numeric.length === 0
    ? Promise.resolve()
    : numericReader(numeric, columns.values, onRows, 0).catch(async (error: unknown) => {
        if (numericReader === fallbackReader) throw error;
        await fallbackReader(numeric, columns.values, onRows, decodedThrough);
      });
  // Keep a rejection from surfacing as unhandled while the string pass is still running.
  numbersDone.catch(() => {});

  // With a numeric time column, `added` is the column's (see `applyNumeric`), not the default.
  const addedByRow = layout.added !== undefined && layout.added.kind !== 'string';
  options.onProgress?.(0, table.rowCount);
  try {
    for (let index = 0; index < table.slices.length; index++) {
      const slice = table.slices[index]!;
      const data = await table.read(stringColumns, slice.rowStart, slice.rowEnd);
      const sources = await table.readSlashed(sourceColumn, slice.rowStart, slice.rowEnd);
      const ids = await insertSlice(catalog, layout, sources, data.columns, slice.rowStart, slice.rowEnd - slice.rowStart, options, addedByRow, result);
      if (layout.id) assignIds(await table.readText(layout.id, slice.rowStart, slice.rowEnd), ids, result, seenIds);
      sliceIds[index] = ids;
      // Once the first rows are in (the server has answered its first requests meanwhile): it
      // writes every slot of `paths` at once, a tenth of a second or more at 10M rows.
      if (index === 0) catalog.reservePaths(pathSlots);
      if (options.keepRowIds) {
        result.rowToId ??= new Int32Array(table.rowCount).fill(-1);
        result.rowToId.set(ids, slice.rowStart);
      }
      applyReady();
      options.onProgress?.(slice.rowEnd, table.rowCount);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    options.onPathsIn?.();
    await numbersDone;
    applyReady();
  } finally {
    // A failed load leaves no decoded values in slots past the ids it gave: inserts take those as empty.
    columns.finish(catalog.size);
  }
  return result;
}

/**
 * Where the numeric columns are decoded: `values[k]` is column `names[k]`, row r at index r. In a
 * fresh catalog they ARE the catalog's columns (shared with a worker, never copied): the metric
 * columns, adopted, and width, height, size and a numeric time (`shareFacts`), which
 * `applyNumeric` turns into the catalog's form in place (ids never exceed rows there). When the
 * catalog already holds items every column is scratch, applied to the ids slice by slice.
 */
interface NumericColumns {
  names: string[];
  /** Int32Array (whole pixels, 0 = unknown) for width and height. */
  values: NumericTarget[];
  /** Columns that are the catalog's own: row r is id r until a row is skipped. */
  adopted: Set<string>;
  /** Called once loading ends (or fails) with the catalog's size: adopted columns are emptied past it. */
  finish(size: number): void;
}

function numericColumns(catalog: Catalog, layout: TableLayout, names: string[], rows: number): NumericColumns {
  const shared = (length: number) => new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
  const adopted = new Set<string>();
  const facts = new Map<string, NumericTarget>();
  if (catalog.size === 0) {
    catalog.shareFacts(rows);
    catalog.reserve(rows);
    for (const m of layout.metrics) {
      const column = shared(catalog.width.length);
      if (column.length > rows) column.fill(NaN, rows);
      catalog.adoptMetricColumn(m, column);
      adopted.add(m);
    }
    const own: [string | undefined, NumericTarget][] = [
      [layout.width, catalog.width],
      [layout.height, catalog.height],
      [layout.size, catalog.bytes],
      [layout.added?.kind === 'string' ? undefined : layout.added?.name, catalog.added],
    ];
    for (const [name, column] of own) {
      if (name === undefined) continue;
      facts.set(name, column);
      adopted.add(name);
    }
  } else {
    catalog.reserve(catalog.size + rows);
    for (const m of layout.metrics) if (!catalog.metrics.has(m)) catalog.setMetricColumn(m, new Float64Array(0));
  }
  // Width and height arrive as the catalog keeps them (Int32, half the bytes of a Float64 scratch).
  const dimensions = new Set([layout.width, layout.height]);
  const values = names.map(
    (name) =>
      facts.get(name) ??
      (adopted.has(name) ? catalog.metrics.get(name)! : dimensions.has(name) ? new Int32Array(new SharedArrayBuffer(rows * Int32Array.BYTES_PER_ELEMENT)) : shared(rows)),
  );
  return {
    names,
    values,
    adopted,
    finish(size) {
      if (size >= rows) return;
      for (const name of adopted) {
        const fact = facts.get(name);
        if (fact) fact.fill(0, size, rows);
        else catalog.metrics.get(name)!.fill(NaN, size, rows);
      }
    },
  };
}

/** Gives each inserted row of a slice its id, unless empty or already taken by an earlier row. */
function assignIds(values: (string | null)[], ids: Int32Array, result: LoadedTable, seen: Set<string>): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0) continue;
    const value = values[i];
    if (value === null || value === undefined || value === '') result.idsMissing++;
    else if (seen.has(value)) result.idsDuplicated++;
    else {
      seen.add(value);
      // Filled up to `id` first: a far write into an empty array would make V8 store it as a dictionary.
      while (result.rowIds.length < id) result.rowIds.push(undefined);
      result.rowIds[id] = value;
    }
  }
}

/**
 * Writes one slice's decoded numbers into the catalog by id: dimensions, size and time from their
 * scratch columns; metrics only when their rows did not get ids equal to their row numbers (a row
 * was skipped before them), moved down within the adopted column (ids never exceed rows there).
 */
function applyNumeric(catalog: Catalog, layout: TableLayout, columns: NumericColumns, rowStart: number, ids: Int32Array, defaultAddedMs: number): void {
  const at = (name: string | undefined) => (name === undefined ? undefined : columns.values[columns.names.indexOf(name)]);
  const widths = at(layout.width);
  const heights = at(layout.height);
  const sizes = at(layout.size);
  const added = layout.added && layout.added.kind !== 'string' ? at(layout.added.name) : undefined;
  const addedIsSeconds = layout.added?.kind === 'number';
  let inPlace = true;
  for (let i = 0; i < ids.length && inPlace; i++) inPlace = ids[i] === rowStart + i;
  const { width, height, bytes } = catalog;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0) continue;
    const row = rowStart + i;
    if (widths) width[id] = widths[row]!;
    if (heights) height[id] = heights[row]!;
    if (sizes) bytes[id] = Math.max(sizes[row]!, 0);
    if (added) {
      const v = added[row]!;
      // A plain number column holds epoch seconds when small enough to be one.
      catalog.added[id] = Number.isNaN(v) ? defaultAddedMs : addedIsSeconds && Math.abs(v) < 1e11 ? v * 1000 : v;
    }
  }
  for (const m of layout.metrics) {
    if (inPlace && columns.adopted.has(m)) continue;
    const from = at(m)!;
    const to = catalog.metrics.get(m)!;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id >= 0) to[id] = from[rowStart + i]!;
    }
  }
  catalog.metricsGeneration++;
  catalog.generation++; // `added` moved: sorted orders must be rebuilt
}

/** Inserting yields to the event loop once this much time has passed since it last did. */
const INSERT_BUDGET_MS = 8;
/** Rows inserted between two looks at the clock. */
const CLOCK_EVERY = 512;

/** Inserts one slice of rows (`slashedSources[i]`: `/` + row i's source); returns the id of each row (-1: skipped). */
async function insertSlice(
  catalog: Catalog,
  layout: TableLayout,
  slashedSources: (string | null)[],
  cols: Map<string, ColumnValues>,
  rowStart: number,
  n: number,
  options: TableLoadOptions,
  addedByRow: boolean,
  result: LoadedTable,
): Promise<Int32Array> {
  const strings = (name: string | undefined) => (name === undefined ? undefined : (cols.get(name) as (string | null)[]));
  const logicalPaths = strings(layout.path);
  const mimes = strings(layout.mime);
  const addedStrings = layout.added?.kind === 'string' ? strings(layout.added.name) : undefined;
  const tags = layout.tags ? cols.get(layout.tags.name) : undefined;
  const stars = layout.star === undefined ? undefined : (cols.get(layout.star) as Float64Array);
  const notes = strings(layout.notes);
  const flags = strings(layout.flag);
  const ids = new Int32Array(n).fill(-1);
  const hasSeeds = tags !== undefined || stars !== undefined || notes !== undefined || flags !== undefined;
  // Rows of a table mostly share an extension: remember the last one instead of re-deriving it.
  let lastExt = '';
  let lastType: string | undefined;
  const typeOf = (logical: string): string | undefined => {
    // The last extension has one dot and no slash, so a path ending with it has it as its extension.
    if (lastExt !== '' && logical.endsWith(lastExt)) return lastType;
    const dot = logical.lastIndexOf('.');
    if (dot < 0 || dot < logical.lastIndexOf('/')) return undefined;
    const ext = logical.slice(dot);
    if (ext !== lastExt) {
      lastExt = ext;
      lastType = mimeForName(ext);
    }
    return lastType;
  };
  const skip = (i: number, reason: string): void => {
    result.skippedCount++;
    if (result.skipped.length < MAX_SKIPPED_EXAMPLES) result.skipped.push({ row: rowStart + i, reason });
  };
  const entry: NewEntry = { path: '', type: '', addedMs: 0, source: undefined };
  let yielded = performance.now();
  for (let i = 0; i < n; i++) {
    if (i % CLOCK_EVERY === CLOCK_EVERY - 1 && performance.now() - yielded > INSERT_BUDGET_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      yielded = performance.now();
    }
    const slashed = slashedSources[i];
    if (slashed === null || slashed === undefined || slashed.length === 1) {
      skip(i, 'no source');
      continue;
    }
    let logical: string | undefined;
    const given = logicalPaths?.[i];
    if (given) {
      const c = canonicalPath(given);
      logical = c.ok && c.path !== '/' ? c.path : undefined;
    }
    logical ??= pathOfSlashed(slashed, options.baseDir);
    if (logical === undefined) {
      skip(i, 'no valid logical path (a local source outside the base dir, or a malformed URL)');
      continue;
    }
    // A local source that is its own logical path needs no second string: the path locates it.
    const source = logical === slashed ? undefined : slashed.slice(1);
    const type = mimes?.[i] || typeOf(logical) || mimeForName((source ?? logical.slice(1)).split(/[?#]/)[0]!) || 'application/octet-stream';
    const addedText = addedStrings?.[i];
    const addedMs = addedText ? Date.parse(addedText) : NaN;
    // One entry object for the slice, refilled per row: the catalog copies what it keeps.
    entry.path = logical;
    entry.type = type;
    entry.addedMs = addedByRow ? undefined : Number.isNaN(addedMs) ? options.defaultAddedMs : addedMs;
    entry.source = source;
    let id = catalog.insertNew(entry);
    // Never overwrite: a repeated logical path gets -2, -3, ... before its extension.
    for (let k = 2; id < 0; k++) id = catalog.insertNew({ ...entry, path: suffixed(logical, k), source: source ?? slashed.slice(1) });
    ids[i] = id;
    if (hasSeeds) {
      const seed = seedOf(tags, stars, notes, flags, i);
      if (seed) result.seeds.push({ id, ...seed });
    }
    result.loaded++;
  }
  return ids;
}

function seedOf(
  tags: ColumnValues | undefined,
  stars: Float64Array | undefined,
  notes: (string | null)[] | undefined,
  flags: (string | null)[] | undefined,
  i: number,
): Omit<SeedLabel, 'id'> | undefined {
  let tagList: string[] = [];
  const t = tags?.[i];
  if (Array.isArray(t)) tagList = t;
  else if (typeof t === 'string') tagList = t.split(',');
  tagList = [...new Set(tagList.map((s) => s.trim()).filter((s) => s !== ''))];
  const s = stars?.[i];
  const star = s !== undefined && s >= 1 && s <= 5 ? Math.round(s) : null;
  const note = notes?.[i] ?? '';
  // Like a star out of range, a flag other than pick or reject (any case) seeds nothing.
  const f = flags?.[i]?.trim().toLowerCase();
  const flag = f === 'pick' || f === 'reject' ? f : null;
  if (tagList.length === 0 && star === null && flag === null && note === '') return undefined;
  return { tags: tagList, star, flag, notes: note };
}
