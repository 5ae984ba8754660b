// Bundles the built server (dist/server/, tsc's output) into dist/server-bundle/ for bin/lenslet.js:
// one file to load instead of ~130, which is most of the CLI's module-loading time before it listens.
// Packages stay external (node_modules as installed) but zod and fastify. zod, bundled, is tree-shaken to
// the API the schemas use (they import it as `* as z`) and its English messages, where node_modules' zod
// loads every one of its ~50 locales, one file each. fastify and the packages it requires are ~180
// CommonJS files, each resolved (realpath, package.json scope) and compiled on its own when loaded
// from node_modules: most of the start's module loading (issue 15). Native and WebAssembly packages
// (better-sqlite3, sharp, usearch, @parcel/watcher, the parquet codecs) are imported by our code, not
// fastify's, so they stay external and find their files as installed. Each dynamic import() becomes its own chunk, so what
// the CLI loads lazily stays lazy. The bundle sits at the same depth as dist/server/, so the
// `../../package.json` and `../../dist/web/` the server resolves from its modules hold in both; the
// worker entry points are not bundled: lib/server-file.ts names them under dist/server/.
// esbuild is a devDependency of its own, pinned to the version tsx and vite already bring.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url).pathname;
const outdir = `${root}dist/server-bundle`;

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [`${root}dist/server/cli.js`],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [packagesExternalBut(['zod', 'fastify'])],
  // Bundled CommonJS (fastify and what it requires) calls require() for node's own modules, which
  // an ES module lacks: each output file makes one.
  banner: { js: "import { createRequire as __lensletCreateRequire } from 'node:module'; const require = __lensletCreateRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
});

/**
 * Like esbuild's `packages: 'external'`, except for `bundled` and every package they import (the
 * importer is under node_modules/), whose modules go into the bundle. Node's own modules stay external.
 */
function packagesExternalBut(bundled) {
  return {
    name: 'packages-external-but',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, ({ path, importer }) => {
        if (path.startsWith('node:')) return { path, external: true };
        return bundled.includes(path) || importer.includes('/node_modules/') ? undefined : { path, external: true };
      });
    },
  };
}
