import { csvCell } from '../../../protocol/csv-cells.js';
import { EXPORT_CSV_COLUMNS, type ExportRow } from '../../../protocol/export.js';

export function toCsv(rows: readonly ExportRow[]): string {
  let out = `${EXPORT_CSV_COLUMNS.join(',')}\r\n`;
  for (const r of rows) {
    const cells = [r.path, JSON.stringify(r.tags), r.notes, r.star ?? '', r.flag ?? '', JSON.stringify(r.metrics ?? {}), r.version, r.updated_at ?? '', r.updated_by ?? ''];
    out += `${cells.map((c) => csvCell(String(c))).join(',')}\r\n`;
  }
  return out;
}

export function toJson(rows: readonly ExportRow[]): string {
  return `${JSON.stringify(rows, null, 1)}\n`;
}

/** Keeps the selected paths, in selection order. */
export function pickRows(rows: readonly ExportRow[], paths: readonly string[]): ExportRow[] {
  const byPath = new Map(rows.map((r) => [r.path, r]));
  return paths.map((p) => byPath.get(p)).filter((r): r is ExportRow => r !== undefined);
}

/** The deepest folder holding every path: one export request covers the whole selection. */
export function commonFolder(paths: readonly string[]): string {
  if (!paths.length) return '/';
  let parts = paths[0]!.split('/').slice(1, -1);
  for (const p of paths.slice(1)) {
    const segs = p.split('/').slice(1, -1);
    let i = 0;
    while (i < parts.length && i < segs.length && parts[i] === segs[i]) i++;
    parts = parts.slice(0, i);
  }
  return `/${parts.join('/')}`;
}

export function exportFileName(scope: string, format: 'csv' | 'json', count?: number): string {
  const base = scope === '/' ? 'all' : scope.split('/').filter(Boolean).join('-');
  return `lenslet-${base}${count !== undefined ? `-${count}-selected` : ''}.${format}`;
}
