/** Runs the CLI from source (`node --import tsx src/server/cli-entry.ts …`), as bin/lenslet.js does from dist. */
import { main } from './cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`lenslet: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
