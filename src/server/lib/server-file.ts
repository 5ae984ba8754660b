/**
 * The server's own file at `path` under its root (dist/server/ as built, src/server/ under tsx), for
 * modules started by URL such as worker entry points. Not relative to the calling module: the CLI
 * runs from a bundle (dist/server-bundle/, scripts/bundle-server.mjs) where every bundled module's
 * `import.meta.url` is its chunk's, and the workers are the per-file build's.
 */
export function serverFile(path: string): URL {
  return new URL(path, SERVER_ROOT);
}

/** dist/server/ (or src/server/) seen from this module's URL, in the per-file build or in the bundle. */
export function serverRootOf(moduleUrl: string): URL {
  const dir = new URL('.', moduleUrl);
  return new URL(dir.pathname.endsWith('/dist/server-bundle/') ? '../server/' : '../', dir);
}

const SERVER_ROOT = serverRootOf(import.meta.url);
