import * as z from 'zod';
import { csvCell, csvCellValue } from '../../protocol/csv-cells.js';
import { EXPORT_CSV_COLUMNS, type ExportRow } from '../../protocol/export.js';
import { flagSchema, metricsSchema, starSchema, type Sidecar } from '../../protocol/items.js';

/**
 * Export and import formats. JSON is an array of sidecars, one per line. CSV has the columns
 * below; `tags` and `metrics` cells hold JSON so that a round trip loses nothing, and cells a
 * spreadsheet would run as a formula are neutralised (`csv-cells.ts`) and restored on import.
 * Labels whose item is gone from the dataset are still exported, marked `missing` (JSON `true`,
 * CSV `true` or empty); an import reads them like any other row.
 */
export type ExportFormat = 'json' | 'csv';
export const EXPORT_FORMATS = ['json', 'csv'] as const;
/**
 * The protocol's columns plus a trailing `missing` and `assignee` (older exports, and the
 * browser's, lack them; an import reads columns by name and ignores both).
 */
export const CSV_COLUMNS = [...EXPORT_CSV_COLUMNS, 'missing', 'assignee'] as const;

const NOBODY = () => null;

/**
 * `isMissing`: the path is no item of the dataset now; absent when the exporter cannot tell.
 * `assigneeOf`: whom an assignment gives the item to (issue 14); absent outside a server.
 */
export async function* exportLines(
  rows: AsyncIterable<Sidecar>,
  format: ExportFormat,
  isMissing: (path: string) => boolean = () => false,
  assigneeOf: (path: string) => string | null = NOBODY,
): AsyncGenerator<string> {
  if (format === 'csv') {
    yield `${CSV_COLUMNS.join(',')}\r\n`;
    for await (const s of rows) {
      const missing = isMissing(s.path) ? 'true' : '';
      const assignee = assigneeOf(s.path) ?? '';
      const cells = [s.path, JSON.stringify(s.tags), s.notes, s.star ?? '', s.flag ?? '', JSON.stringify(s.metrics), s.version, s.updated_at ?? '', s.updated_by ?? '', missing, assignee];
      yield `${cells.map((c) => csvCell(String(c))).join(',')}\r\n`;
    }
    return;
  }
  yield '[';
  let first = true;
  for await (const s of rows) {
    yield (first ? '\n' : ',\n') + JSON.stringify(exportRecord(s, isMissing(s.path), assigneeOf(s.path)));
    first = false;
  }
  yield '\n]\n';
}

function exportRecord(s: Sidecar, missing: boolean, assignee: string | null): ExportRow {
  const row: ExportRow = {
    path: s.path,
    tags: s.tags,
    notes: s.notes,
    star: s.star,
    flag: s.flag,
    metrics: s.metrics,
    version: s.version,
    updated_at: s.updated_at,
    updated_by: s.updated_by,
  };
  if (missing) row.missing = true;
  if (assignee !== null) row.assignee = assignee;
  return row;
}

export const importRecordSchema = z.object({
  path: z.string(),
  tags: z.array(z.string()).default([]),
  notes: z.string().default(''),
  star: starSchema.default(null),
  /** Exports made before flags have none: unflagged. */
  flag: flagSchema.default(null),
  metrics: metricsSchema.default({}),
  version: z.number().int().min(1).default(1),
  updated_at: z.string().nullable().default(null),
  updated_by: z.string().nullable().default(null),
});

/** Parses an export back into records (unvalidated values are checked by `importRecordSchema`). */
export function parseExport(text: string, format: ExportFormat): unknown[] {
  if (format === 'json') {
    const parsed = JSON.parse(text) as unknown;
    if (Array.isArray(parsed)) return parsed;
    if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { items?: unknown }).items)) {
      return (parsed as { items: unknown[] }).items;
    }
    throw new Error('a JSON export is an array of items');
  }
  const rows = parseCsv(text);
  const head = rows.shift() ?? [];
  const index = (name: string) => head.indexOf(name);
  if (index('path') < 0) throw new Error('the CSV has no "path" column');
  return rows
    .filter((r) => r.length > 1 || (r[0] ?? '') !== '')
    .map((r) => {
      const cell = (name: string) => {
        const i = index(name);
        const raw = i < 0 ? undefined : r[i];
        return raw === undefined ? undefined : csvCellValue(raw);
      };
      const json = (name: string) => {
        const v = cell(name);
        return v === undefined || v === '' ? undefined : (JSON.parse(v) as unknown);
      };
      const num = (name: string) => {
        const v = cell(name);
        return v === undefined || v === '' ? undefined : Number(v);
      };
      return {
        path: cell('path'),
        tags: json('tags'),
        notes: cell('notes'),
        star: cell('star') === '' ? null : num('star'),
        flag: cell('flag') === '' ? null : cell('flag'),
        metrics: json('metrics'),
        version: num('version'),
        updated_at: cell('updated_at') || null,
        updated_by: cell('updated_by') || null,
      };
    });
}

/** RFC 4180 CSV: quoted cells may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
