import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

/** A Lenslet server running as a child process, read through /proc so figures are its own. */
export interface ChildLenslet {
  url: string;
  /** performance.now() just before the spawn. */
  startedAt: number;
  peakRssKb(): number;
  rssKb(): number;
  /** utime + stime, in milliseconds. */
  cpuMs(): number;
  signal(name: NodeJS.Signals): void;
  stop(): void;
}

/**
 * Builds the server and runs `bin/lenslet.js <args>`, as a user does (tsx would add its own
 * memory), with bench/loop-monitor.mjs preloaded to write event-loop stats to `loopStatsFile`.
 */
export async function spawnLenslet(args: string[], loopStatsFile: string): Promise<ChildLenslet> {
  buildServer();
  const startedAt = performance.now();
  const child = spawn(process.execPath, ['--import', join(ROOT, 'bench/loop-monitor.mjs'), join(ROOT, 'bin/lenslet.js'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    // What bin/lenslet.js's launcher line sets when run as a program (the bench runs it through node
    // to preload the loop monitor, which skips that line).
    env: { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1', ...process.env, LENSLET_LOOP_STATS: loopStatsFile },
  });
  const url = await printedUrl(child);
  const status = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
  return {
    url,
    startedAt,
    peakRssKb: () => status('VmHWM'),
    rssKb: () => status('VmRSS'),
    cpuMs: () => {
      // utime + stime in clock ticks (100 Hz)
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    signal: (name) => child.kill(name),
    stop: () => child.kill('SIGTERM'),
  };
}

/**
 * Compiles the server into dist and bundles it for bin/lenslet.js. tsc still emits when a file elsewhere
 * has a type error; what matters is a fresh dist.
 */
export function buildServer(): void {
  spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.server.json')], { stdio: 'ignore' });
  spawnSync(process.execPath, [join(ROOT, 'scripts/bundle-server.mjs')], { stdio: 'inherit' });
}

/** The URL a starting Lenslet prints on stdout; rejects with what it printed if it exits first. */
export function printedUrl(child: ChildProcess): Promise<string> {
  let out = '';
  return new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Lenslet: (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', () => reject(new Error(`server exited: ${out}`)));
  });
}
