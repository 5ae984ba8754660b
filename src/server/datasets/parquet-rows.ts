import { type ColumnKind, type ColumnValues, type ParquetTable, type TableColumn, textOf } from './parquet-reader.js';

/**
 * An in-memory table with the same interface as a Parquet file, for `launch({ rows })`: column
 * kinds are inferred from the values (strings, numbers, string lists, dates), so the rows go
 * through exactly the table-mode pipeline.
 */
const SLICE_ROWS = 65_536;

export function tableFromRows(rows: readonly Record<string, unknown>[]): ParquetTable {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        names.push(key);
      }
    }
  }
  const columns: TableColumn[] = names.map((name) => ({ name, kind: inferKind(rows, name) }));
  const slices: { rowStart: number; rowEnd: number }[] = [];
  for (let s = 0; s < rows.length; s += SLICE_ROWS) slices.push({ rowStart: s, rowEnd: Math.min(rows.length, s + SLICE_ROWS) });
  return {
    rowCount: rows.length,
    columns,
    slices,
    groupRows: [rows.length],
    async close() {},
    async read(wanted, rowStart, rowEnd) {
      const out = new Map<string, ColumnValues>();
      for (const column of wanted) out.set(column.name, extract(rows, column, rowStart, Math.min(rowEnd, rows.length)));
      return { rowStart, rowEnd, columns: out };
    },
    async readSlashed(column, rowStart, rowEnd) {
      const end = Math.min(rowEnd, rows.length);
      const out: (string | null)[] = [];
      for (let i = rowStart; i < end; i++) {
        const v = rows[i]![column.name];
        out.push(typeof v === 'string' ? `/${v}` : null);
      }
      return out;
    },
    async readText(column, rowStart, rowEnd) {
      const end = Math.min(rowEnd, rows.length);
      const out: (string | null)[] = [];
      for (let i = rowStart; i < end; i++) out.push(textOf(rows[i]![column.name]));
      return out;
    },
  };
}

function inferKind(rows: readonly Record<string, unknown>[], name: string): ColumnKind {
  let kind: ColumnKind | undefined;
  for (const row of rows) {
    const v = row[name];
    if (v === null || v === undefined) continue;
    const k: ColumnKind =
      typeof v === 'string' ? 'string'
      : typeof v === 'number' || typeof v === 'bigint' ? 'number'
      : typeof v === 'boolean' ? 'boolean'
      : v instanceof Date ? 'timestamp'
      : Array.isArray(v) && v.every((s) => typeof s === 'string') ? 'string-list'
      : 'other';
    if (kind === undefined) kind = k;
    else if (kind !== k) return 'other';
  }
  return kind ?? 'other';
}

function extract(rows: readonly Record<string, unknown>[], column: TableColumn, start: number, end: number): ColumnValues {
  const n = Math.max(0, end - start);
  if (column.kind === 'number' || column.kind === 'timestamp' || column.kind === 'boolean') {
    const out = new Float64Array(n).fill(NaN);
    for (let i = 0; i < n; i++) {
      const v = rows[start + i]![column.name];
      if (typeof v === 'number') out[i] = v;
      else if (typeof v === 'bigint') out[i] = Number(v);
      else if (typeof v === 'boolean') out[i] = v ? 1 : 0;
      else if (v instanceof Date) out[i] = v.getTime();
    }
    return out;
  }
  if (column.kind === 'string-list') {
    const out = new Array<string[] | null>(n).fill(null);
    for (let i = 0; i < n; i++) {
      const v = rows[start + i]![column.name];
      if (Array.isArray(v)) out[i] = v as string[];
    }
    return out;
  }
  const out = new Array<string | null>(n).fill(null);
  for (let i = 0; i < n; i++) {
    const v = rows[start + i]![column.name];
    out[i] = typeof v === 'string' ? v : null;
  }
  return out;
}
