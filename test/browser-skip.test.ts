import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

/** Runs one e2e file in a child vitest, as `npm test` would on a machine without that Chromium. */
function runE2e(env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  const childEnv = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name];
  // The child must not think it runs inside this test's vitest worker.
  for (const name of Object.keys(childEnv)) if (name.startsWith('VITEST')) delete childEnv[name];
  const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const child = spawn(process.execPath, [vitest, 'run', '--project', 'e2e', 'e2e/metrics.test.ts', '--no-color'], { cwd: ROOT, env: childEnv });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output: stripVTControlCharacters(output) })));
}

const LINE = 'browser tests skipped: no Chromium at /no/such/chromium. Install it with `apt-get install chromium` (or set LENSLET_CHROMIUM to its path).';

describe('browser tests without Chromium', () => {
  it('are reported as skipped, with one line saying how to install it', async () => {
    const { code, output } = await runE2e({ LENSLET_CHROMIUM: '/no/such/chromium', CI: undefined });
    expect(code, output).toBe(0);
    expect(output.split(LINE).length - 1, output).toBe(1);
    expect(output).toMatch(/Tests\s+\d+ skipped/);
    expect(output).not.toMatch(/\d+ passed|\d+ failed/);
  }, 120_000);

  it('fail the run when CI is set', async () => {
    const { code, output } = await runE2e({ LENSLET_CHROMIUM: '/no/such/chromium', CI: '1' });
    expect(code, output).not.toBe(0);
    expect(output).toContain(LINE);
  }, 120_000);
});
