import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runExportCommand, runImportCommand } from './label-cli.js';
import { SqliteLabelStore } from './sqlite-label-store.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-label-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const io = () => {
  const stream = new PassThrough();
  stream.resume();
  return { stdout: stream, stderr: stream };
};

const NOTES: Record<string, string> = {
  '/formula.jpg': '=HYPERLINK("http://evil.example/","x")',
  '/at.jpg': '@SUM(1)',
  '/minus.jpg': '-1',
  '/tab.jpg': '\t+x',
  '/quote.jpg': "'tis the season",
  '/quoted-formula.jpg': "'=1+1",
  '/plain.jpg': 'a plain, "quoted" note',
};

describe('lenslet export --format csv, then lenslet import', () => {
  it('restores the original notes of a CSV we exported', async () => {
    const source = join(dir, 'source.sqlite');
    const store = new SqliteLabelStore(source);
    const writes = Object.entries(NOTES).map(([path, notes]) => ({
      path,
      expected_version: null,
      labels: { tags: [], notes, star: null },
      updated_at: '2026-01-02T03:04:05.000Z',
      updated_by: '+someone',
    }));
    await store.commit([{ writes }], Date.now());
    await store.close();

    const csv = join(dir, 'labels.csv');
    expect(await runExportCommand(['--db', source, '--out', csv], io())).toBe(0);
    expect(readFileSync(csv, 'utf8')).toContain(`"'=HYPERLINK(`);

    const target = join(dir, 'target.sqlite');
    expect(await runImportCommand(['--db', target, '--file', csv], io())).toBe(0);
    const imported = new SqliteLabelStore(target);
    try {
      for (const [path, notes] of Object.entries(NOTES)) {
        expect(await imported.get(path), path).toMatchObject({ notes, updated_by: '+someone' });
      }
    } finally {
      await imported.close();
    }
  });
});
