import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./label-server-main.ts', import.meta.url));

export interface ServerStats {
  commits: number;
  units: number;
  commit_ms: number;
  cpu_ms: number;
  /** Event-loop delay since the previous report. */
  loop_p99_ms: number;
  loop_max_ms: number;
}

export interface ChildServer {
  url: string;
  /** With LENSLET_ACCESS=accounts: a labeler's session cookie and API token. */
  auth: { cookie: string; bearer: string } | null;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Sends SIGUSR2 and resolves with the group-commit counters and CPU time the server prints. */
  commitStats(): Promise<ServerStats>;
}

/**
 * Starts label-server-main.ts in a child process and resolves once it listens.
 * LENSLET_CHILD_NODE_FLAGS (space-separated, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) go to its
 * node, to profile a server under a benchmark's load.
 */
export function startChildServer(db: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const flags = (env.LENSLET_CHILD_NODE_FLAGS ?? process.env.LENSLET_CHILD_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', MAIN, db], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let out = '';
  let auth: ChildServer['auth'] = null;
  const statsWaiters: ((s: ServerStats) => void)[] = [];
  const commitStats = () =>
    new Promise<ServerStats>((resolve) => {
      statsWaiters.push(resolve);
      child.kill('SIGUSR2');
    });
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const ready = /^READY (\S+)/.exec(line);
        if (line.startsWith('AUTH ')) auth = JSON.parse(line.slice(5)) as ChildServer['auth'];
        if (ready) resolve({ url: ready[1]!, auth, child, exited, commitStats });
        if (line.startsWith('STATS ')) statsWaiters.shift()?.(JSON.parse(line.slice(6)) as ServerStats);
      }
    });
    child.on('exit', (code) => reject(new Error(`label server exited with ${code} before it was ready`)));
    child.on('error', reject);
  });
}
