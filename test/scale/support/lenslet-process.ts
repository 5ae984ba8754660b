import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { requestJson } from '../../labels/support/http-json.js';

const ROOT = join(import.meta.dirname, '../../..');
const ENTRY = join(ROOT, 'src/server/cli-entry.ts');

export interface LensletProcess {
  url: string;
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  /** The exit code, or null when a signal ended it. */
  exited: Promise<number | null>;
  /** SIGTERM and wait (a no-op once exited). */
  stop(): Promise<void>;
}

export interface LensletArgs {
  root: string;
  store: string;
  datasetId: string;
  /** Each server its own by default, as on separate machines. */
  workspace: string;
  extra?: string[];
  env?: Record<string, string>;
}

/** The real CLI in a child process (`--port 0`), resolved once it printed its URL and finished indexing. */
export async function startLenslet(args: LensletArgs): Promise<LensletProcess> {
  const argv = [args.root, '--port', '0', '--no-watch', '--no-thumb-cache', '--workspace', args.workspace, '--store', args.store, '--dataset-id', args.datasetId, ...(args.extra ?? [])];
  const run = runCli(argv, args.env);
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /Lenslet: (http:\/\/\S+)/.exec(run.output());
      if (match) resolve(match[1]!);
    };
    run.child.stdout!.on('data', check);
    void run.exited.then((code) => reject(new Error(`lenslet exited (${code}) before listening: ${run.output()}`)));
  });
  await waitForIndexed(url);
  return {
    url,
    child: run.child,
    output: run.output,
    exited: run.exited,
    stop: async () => {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
      await run.exited;
    },
  };
}

/** `lenslet <argv>` from source; its output is collected, the exit awaited by the caller. */
export function runCli(argv: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitForIndexed(url: string): Promise<void> {
  const agent = new http.Agent({ keepAlive: false });
  try {
    await until(async () => (await requestJson(agent, url, 'GET', '/health')).body?.indexing?.state === 'done', 20_000, `${url} indexed`);
  } finally {
    agent.destroy();
  }
}

/** Polls `test` until it holds; rejects with `what` after `timeoutMs`. */
export async function until(test: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
