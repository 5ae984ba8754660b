#!/bin/sh
':' //; export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}"; exec node "$0" "$@"
// The line above is for sh and a no-op string for JavaScript. It asks glibc (2.35+) to back large
// allocations with transparent huge pages: the first write to a fresh 4 KB page costs ~17 µs on the
// VMs we measure on, and a table's columns and an embedding's vectors are hundreds of MB to GBs
// written once (1M × 512 vectors: 25 % less CPU to load; docs/PERFORMANCE.md, issue 13/15). Set
// GLIBC_TUNABLES yourself to override it; elsewhere than glibc it is ignored.
// The CLI runs from the bundle (scripts/bundle-server.mjs): one file to load instead of the per-file build.
import { main } from '../dist/server-bundle/cli.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number' && code !== 0) process.exitCode = code; },
  (error) => {
    console.error(`lenslet: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
