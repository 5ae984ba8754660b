import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FingerprintStrategy } from '../../src/server/identity/fingerprint-strategy.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { makeImageTree, makeTempDir, removeDir, type TreeSpec } from '../factories/image-tree.js';
import { appliedItem } from '../labels/support/harness.js';
import { SseClient } from '../labels/support/sse-client.js';

export interface LivingServer {
  server: RunningServer;
  dir: string;
  workspace: string;
  sse: SseClient;
  /** Writes a file under the served folder (relative path with a leading slash). */
  write(path: string, body: Buffer | string): void;
  move(from: string, to: string): void;
  remove(path: string): void;
  star(path: string, star: number, tags?: string[]): Promise<number>;
  /** Stops the server, keeping the folder and workspace (a restart reuses them). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** A watching server over a real folder, labels in SQLite in a workspace beside it, an SSE client connected. */
export async function startLiving(tree: TreeSpec, reuse?: { dir: string; workspace: string }): Promise<LivingServer> {
  const dir = reuse?.dir ?? (await makeImageTree(makeTempDir('lenslet-living-'), tree));
  const workspace = reuse?.workspace ?? makeTempDir('lenslet-living-ws-');
  const server = await startServer({ root: dir, workspaceDir: workspace, port: 0, webDir: null, watch: true, rateLimits: false, log: () => {} });
  await server.source.whenIdle();
  await server.services.living.watching;
  await server.services.living.ready;
  await fingerprinted(server);
  const sse = await SseClient.connect(`${server.url}/events`);
  await sse.until(() => sse.comments.includes('connected'), 5000, 'connected');
  let seq = 0;
  const abs = (path: string) => join(dir, path);
  const stop = async () => {
    sse.close();
    await server.close();
  };
  return {
    server,
    dir,
    workspace,
    sse,
    write(path, body) {
      mkdirSync(dirname(abs(path)), { recursive: true });
      writeFileSync(abs(path), body);
    },
    move(from, to) {
      mkdirSync(dirname(abs(to)), { recursive: true });
      renameSync(abs(from), abs(to));
    },
    remove(path) {
      rmSync(abs(path));
    },
    async star(path, star, tags = []) {
      const service = server.services.labels!.service;
      const current = await service.getItem(path);
      const reply = await service.patchItem(path, { set_star: star, add_tags: tags }, current.version, { key: `living-${++seq}`, actor: 'ann' });
      return appliedItem(reply).version;
    },
    stop,
    async close() {
      await stop();
      removeDir(dir);
      removeDir(workspace);
    },
  };
}

/** Waits until every item indexed so far has a fingerprint (moves of items not yet hashed go unseen). */
export async function fingerprinted(server: RunningServer): Promise<void> {
  const strategy = server.services.living.strategy;
  if (strategy instanceof FingerprintStrategy) await strategy.whenFingerprinted();
}

/** The data of the first SSE event named `event` for which `match` holds, waiting up to `timeoutMs`. */
export async function eventMatching<T>(sse: SseClient, event: string, match: (data: T) => boolean, timeoutMs = 5000): Promise<{ id: string | null; data: T; receivedAt: number }> {
  const find = () => sse.messages.find((m) => m.event === event && match(m.json as T));
  await sse.until(() => find() !== undefined, timeoutMs, event);
  const m = find()!;
  return { id: m.id, data: m.json as T, receivedAt: m.receivedAt };
}
