import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';

const WEB_DIR = resolve(import.meta.dirname, '../../dist/web');

/** e2e tests drive the built app: fail early with the fix rather than with a blank page. */
export function assertWebBuild(): void {
  if (!existsSync(join(WEB_DIR, 'index.html'))) {
    throw new Error(`no web build in ${WEB_DIR}: run \`npx vite build\` before the e2e tests`);
  }
}

export interface TestServer extends RunningServer {
  /** `${url}/?…`: the app URL for a query string (the app routes by query on `/`). */
  appUrl(query?: string): string;
}

/**
 * Starts the real server in-process on a free port, with its workspace in a temp dir so the
 * fixture folder stays untouched. `close()` also removes the workspace.
 */
export async function startTestServer(root: string, options: Partial<ServerOptions> = {}): Promise<TestServer> {
  assertWebBuild();
  const workspaceDir = await mkdtemp(join(tmpdir(), 'lenslet-e2e-ws-'));
  const server = await startServer({ root, port: 0, workspaceDir, webDir: WEB_DIR, logger: false, ...options });
  return {
    ...server,
    appUrl: (query = '') => `${server.url}/${query}`,
    close: async () => {
      await server.close();
      await rm(workspaceDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the server's background indexing is done (counts and dims are final). */
export async function waitForIndexed(server: Pick<RunningServer, 'source'>): Promise<void> {
  await server.source.whenIdle();
}
