import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/server/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lenslet-cli-labels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lenslet export / import from the main CLI', () => {
  it('dispatches to the label commands', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['export', '--help'])).toBe(0);
      expect(String(out.mock.calls.at(-1)?.[0])).toContain('Usage: lenslet export');
      expect(await main(['import', '--help'])).toBe(0);
      expect(String(out.mock.calls.at(-1)?.[0])).toContain('Usage: lenslet import');
      expect(await main(['export', join(dir, 'no-such-folder')])).toBe(1);
      expect(String(err.mock.calls.at(-1)?.[0])).toContain('no labels database');
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});
