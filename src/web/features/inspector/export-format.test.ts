import { describe, expect, it } from 'vitest';
import type { ExportRow } from '../../../protocol/export.js';
import { commonFolder, exportFileName, pickRows, toCsv } from './export-format.js';

const row = (path: string, over: Partial<ExportRow> = {}): ExportRow => ({
  path,
  tags: [],
  notes: '',
  star: null, flag: null,
  metrics: {},
  version: 1,
  updated_at: null,
  updated_by: null,
  ...over,
});

describe('selection export', () => {
  it('writes the server’s CSV columns with quoted notes and JSON tags', () => {
    const csv = toCsv([row('/a.jpg', { tags: ['cat', 'dog'], notes: 'say "hi", twice\nok', star: 4, flag: 'pick', version: 3 })]);
    expect(csv).toBe(
      'path,tags,notes,star,flag,metrics,version,updated_at,updated_by\r\n' + '/a.jpg,"[""cat"",""dog""]","say ""hi"", twice\nok",4,pick,{},3,,\r\n',
    );
  });

  it('neutralises cells a spreadsheet would run as formulas, as the server does', () => {
    const csv = toCsv([row('/a.jpg', { notes: '=HYPERLINK("http://x.example")', updated_by: '@me' })]);
    expect(csv.split('\r\n')[1]).toBe('/a.jpg,[],"\'=HYPERLINK(""http://x.example"")",,,{},1,,\'@me');
  });

  it('keeps only the selection, in selection order', () => {
    expect(pickRows([row('/a'), row('/b'), row('/c')], ['/c', '/a', '/zz']).map((r) => r.path)).toEqual(['/c', '/a']);
  });

  it('finds the folder that holds the whole selection', () => {
    expect(commonFolder(['/x/y/a.jpg', '/x/y/b.jpg'])).toBe('/x/y');
    expect(commonFolder(['/x/y/a.jpg', '/x/z/b.jpg'])).toBe('/x');
    expect(commonFolder(['/a.jpg', '/x/b.jpg'])).toBe('/');
    expect(exportFileName('/x/y', 'csv', 2)).toBe('lenslet-x-y-2-selected.csv');
    expect(exportFileName('/', 'json')).toBe('lenslet-all.json');
  });
});
