import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';
import { expectWireResponse } from '../support/wire.js';
import { makeImageTree, makeTempDir, removeDir, type TreeSpec } from './image-tree.js';

export interface TestServer {
  server: RunningServer;
  /** The served folder. */
  dir: string;
  url: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read replies field by field and assert what they read
  json<T = any>(path: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/**
 * Generates `tree` in a temp folder, serves it on a free port, and waits for indexing to finish
 * (pass `waitForIndex: false` to observe indexing).
 */
export async function startTestServer(
  tree: TreeSpec,
  options: Partial<ServerOptions> & { waitForIndex?: boolean } = {},
): Promise<TestServer> {
  const dir = await makeImageTree(makeTempDir(), tree);
  const { waitForIndex = true, ...serverOptions } = options;
  const server = await startServer({ root: dir, port: 0, webDir: null, ...serverOptions });
  if (waitForIndex) await server.source.whenIdle();
  const get = (path: string, headers?: Record<string, string>) => fetch(server.url + path, { headers });
  return {
    server,
    dir,
    url: server.url,
    get,
    async json(path) {
      const response = await get(path);
      // Every JSON answer a test reads is checked against its protocol schema on the way.
      const body = expectWireResponse('GET', path, response.status, await response.json());
      return { status: response.status, body };
    },
    async close() {
      await server.close();
      removeDir(dir);
    },
  };
}
