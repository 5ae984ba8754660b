#!/usr/bin/env node
// The CLI runs from the bundle (scripts/bundle-server.mjs): one file to load instead of the per-file build.
import { main } from '../dist/server-bundle/cli.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number' && code !== 0) process.exitCode = code; },
  (error) => {
    console.error(`lenslet: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
