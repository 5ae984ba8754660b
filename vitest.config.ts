import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One browser at a time: the machine has 2 cores.
          fileParallelism: false,
          // Says in one line when the browser tests are skipped for want of Chromium.
          globalSetup: ['e2e/helpers/global-setup.ts'],
          // A browser on a loaded 2-core machine can take seconds for what takes milliseconds alone:
          // conditions are waited for as long as a test may run, never for a guess of machine speed.
          expect: { poll: { timeout: 30_000 } },
        },
      },
    ],
  },
});
