import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serverFile, serverRootOf } from './server-file.js';

const SERVER_SRC = join(import.meta.dirname, '..');

describe('serverFile', () => {
  it('names a file under the server root, from source as from the build', () => {
    expect(fileURLToPath(serverFile('lib/worker.js'))).toBe(join(SERVER_SRC, 'lib/worker.js'));
  });

  it('resolves the per-file build from any of its modules, and the bundle to the per-file build', () => {
    expect(serverRootOf('file:///p/dist/server/lib/server-file.js').href).toBe('file:///p/dist/server/');
    expect(serverRootOf('file:///p/dist/server-bundle/chunk-ABC.js').href).toBe('file:///p/dist/server/');
    expect(serverRootOf('file:///p/src/server/lib/server-file.ts').href).toBe('file:///p/src/server/');
  });

  it('is only given paths of modules that exist (a worker that fails to start may fall back silently)', () => {
    const named: string[] = [];
    for (const file of readdirSync(SERVER_SRC, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      for (const match of readFileSync(join(SERVER_SRC, file), 'utf8').matchAll(/serverFile\('([^']+)'\)/g)) named.push(match[1]!);
    }
    expect(named.length).toBeGreaterThanOrEqual(3);
    for (const path of named) expect(existsSync(join(SERVER_SRC, path.replace(/\.js$/, '.ts'))), path).toBe(true);
  });
});
