import { chromiumMissing } from './chromium.js';

/** Once per run of the e2e project: one line when the browser tests are skipped; under CI, a failure. */
export default function setup(): void {
  const missing = chromiumMissing();
  if (!missing) return;
  if (process.env.CI) throw new Error(`${missing} CI is set, so a missing browser fails the run.`);
  process.stdout.write(`\n${missing}\n\n`);
}
