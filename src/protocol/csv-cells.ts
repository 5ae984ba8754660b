/**
 * CSV cells of the label export, shared by the server's export and the web app's selection export.
 *
 * Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
 * formula (`=HYPERLINK(...)` in a note). As OWASP recommends, such a cell is written with a single
 * quote in front, which spreadsheets read as "text". So that `lenslet import` can tell the quote it
 * added from a note's own, a cell that itself starts with a quote gets one more: on reading, a
 * quote followed by a formula character or another quote is dropped, and any other cell is kept
 * as it is (a note `'tis` is written `''tis` and read back as `'tis`).
 */
const FORMULA_LEAD = /^[=+\-@\t\r']/;
const ADDED_QUOTE = /^'[=+\-@\t\r']/;

/** One cell: neutralised, then quoted per RFC 4180 when it holds a comma, quote or line break. */
export function csvCell(value: string): string {
  const safe = FORMULA_LEAD.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The value a parsed (already unquoted) cell was written from. */
export function csvCellValue(cell: string): string {
  return ADDED_QUOTE.test(cell) ? cell.slice(1) : cell;
}
