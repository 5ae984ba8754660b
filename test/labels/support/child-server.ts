import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./label-server-main.ts', import.meta.url));

export interface ChildServer {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** Starts label-server-main.ts in a child process and resolves once it listens. */
export function startChildServer(db: string): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, db], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child, exited });
    });
    child.on('exit', (code) => reject(new Error(`label server exited with ${code} before it was ready`)));
    child.on('error', reject);
  });
}
