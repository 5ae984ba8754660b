#!/usr/bin/env node
import { main } from '../dist/server/cli.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number' && code !== 0) process.exitCode = code; },
  (error) => {
    console.error(`lenslet: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
