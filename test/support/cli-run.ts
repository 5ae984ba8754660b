import { PassThrough, type Readable, type Writable } from 'node:stream';

/** Runs a CLI command in process with `stdin` as its input; returns its exit code and what it printed. */
export async function runInProcess(
  command: (argv: string[], io: { stdout: Writable; stderr: Writable; stdin: Readable }) => Promise<number>,
  argv: string[],
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough() };
  let out = '';
  let err = '';
  io.stdout.on('data', (c) => (out += String(c)));
  io.stderr.on('data', (c) => (err += String(c)));
  io.stdin.end(stdin);
  const code = await command(argv, io);
  return { code, out, err };
}
