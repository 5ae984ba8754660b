import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../src/server/cli.js';

/** Label files in the Python Lenslet's format, written by hand as it wrote them. */
export const SNAPSHOT = {
  version: 1,
  last_event_id: 3,
  items: {
    '/a.jpg': { tags: ['cat'], notes: 'first', star: 4, version: 3, updated_at: '2026-01-20T10:00:00+00:00', updated_by: 'alice', metrics: { score: 0.5 } },
    'sub/b.png': { tags: [], notes: '', star: 2, version: 2, updated_at: '2026-01-20T11:00:00+00:00', updated_by: 'bob' },
    '../escape.jpg': { tags: [], notes: '', star: 1, version: 2, updated_at: '2026-01-20T11:00:00+00:00', updated_by: 'bob' },
    '/c.jpg': { tags: [], notes: '', star: 1, version: 'x' },
  },
};

export const LOG_LINES = [
  // Already in the snapshot (id ≤ last_event_id).
  JSON.stringify({ id: 2, type: 'item-updated', path: '/a.jpg', version: 2, tags: ['cat'], notes: '', star: 3, updated_at: '2026-01-20T09:00:00+00:00', updated_by: 'alice' }),
  JSON.stringify({ id: 4, type: 'item-updated', path: '/a.jpg', version: 4, tags: ['cat', 'best'], notes: 'first', star: 5, updated_at: '2026-01-21T08:00:00+00:00', updated_by: 'carol' }),
  // Not newer than what /a.jpg has by now.
  JSON.stringify({ id: 5, type: 'item-updated', path: '/a.jpg', version: 4, tags: [], notes: '', star: 1, updated_at: '2026-01-21T08:30:00+00:00', updated_by: 'mallory' }),
  JSON.stringify({ id: 6, type: 'item-updated', path: '/d.jpg', version: 2, tags: ['dog'], notes: '', star: 1, updated_at: '2026-01-21T09:00:00+00:00', updated_by: 'dave' }),
  'not json at all',
];
/** The append cut short by a crash: no newline, half a record. */
export const TORN = '{"id":7,"type":"item-updated","path":"/a.jpg","ver';

export const VIEWS = {
  version: 1,
  views: [
    {
      id: 'best',
      name: 'Best',
      pool: { kind: 'folder', path: '/sub' },
      view: {
        filters: {
          and: [
            { starsIn: { values: [4, 5] } },
            { widthCompare: { op: '>=', value: 100 } },
            { metricRange: { key: 'score', min: 0.2, max: 0.9 } },
            { dateRange: { from: '2026-01-01', to: '2026-01-31' } },
            { urlContains: { value: 's3' } },
          ],
        },
        sort: { kind: 'metric', key: 'score', dir: 'desc' },
        selectedMetric: 'score',
      },
    },
    {
      id: 'named',
      name: 'Named',
      pool: { kind: 'folder', path: '/' },
      view: { filters: { and: [{ nameContains: { value: 'cat' } }, { starsNotIn: { values: [0] } }] }, sort: { kind: 'derived', key: 'combo', dir: 'asc' } },
    },
  ],
};

export function writePythonFiles(files: { snapshot: string; log: string; views: string }): void {
  mkdirSync(dirname(files.snapshot), { recursive: true });
  writeFileSync(files.snapshot, JSON.stringify(SNAPSHOT));
  writeFileSync(files.log, `${LOG_LINES.join('\n')}\n${TORN}`);
  writeFileSync(files.views, JSON.stringify(VIEWS));
}

/** Bytes and mtime of each file, to prove an import left them alone. */
export function fingerprint(paths: string[]): string[] {
  return paths.map((p) => `${p}:${statSync(p).mtimeMs}:${readFileSync(p).toString('base64')}`);
}

/** Runs `lenslet …` in-process; resolves with the exit code and what it printed. */
export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main(argv);
    return { code, out: out.mock.calls.map((c) => String(c[0])).join(''), err: err.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
