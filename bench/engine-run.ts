import { spawn } from 'node:child_process';
import { join } from 'node:path';

const CHILD = join(import.meta.dirname, 'engine-child.mjs');

export type EngineMode = 'duckdb-ctas' | 'duckdb' | 'hyparquet' | 'lenslet-reader';

export interface EngineQuery {
  name: string;
  first: number;
  p50: number;
  p95: number;
  rows: number;
}

/** What bench/engine-child.mjs reports (times in ms, memory in KB), plus the wall time around it. */
export interface EngineReport {
  mode: EngineMode;
  /** The load alone, measured inside the child (DuckDB: the CTAS statement). */
  loadMs: number;
  /** Process CPU (user + system) at the end of the load, DuckDB modes only. */
  loadCpuMs?: number;
  /** VmHWM at the end of the load, DuckDB modes only. */
  loadPeakRssKb?: number;
  queries?: EngineQuery[];
  peakRssKb: number;
  cpuMs: number;
  /** From spawn to the child's report, including Node's start and module loading. */
  wallMs: number;
}

/** Runs one engine over `file` in a child process of its own and returns its report. */
export function runEngine(mode: EngineMode, file: string): Promise<EngineReport> {
  const started = performance.now();
  const child = spawn(process.execPath, [CHILD, mode, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`engine-child ${mode} exited with ${signal ?? code}: ${out.slice(-2000)}`));
        return;
      }
      resolve({ ...(JSON.parse(line) as Omit<EngineReport, 'wallMs'>), wallMs: performance.now() - started });
    });
  });
}
