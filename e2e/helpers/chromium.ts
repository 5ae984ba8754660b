import { accessSync, constants } from 'node:fs';
import { describe } from 'vitest';

/** The Chromium the browser tests drive: `LENSLET_CHROMIUM` when set, else the distribution's. */
export const CHROMIUM_PATH = process.env.LENSLET_CHROMIUM || '/usr/bin/chromium';

/** Why the browser tests can't run here (no Chromium at CHROMIUM_PATH), or null when they can. */
export function chromiumMissing(): string | null {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return null;
  } catch {
    return `browser tests skipped: no Chromium at ${CHROMIUM_PATH}. Install it with \`apt-get install chromium\` (or set LENSLET_CHROMIUM to its path).`;
  }
}

/**
 * `describe` for tests that drive a browser. Without Chromium they are skipped (the e2e global
 * setup says so in one line), unless `CI` is set: there a missing browser is a failure, never a
 * silent pass.
 */
export const describeWithBrowser = describe.skipIf(chromiumMissing() !== null && !process.env.CI);
