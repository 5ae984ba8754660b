import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/server/index.js';
import { makeImageTree, makeTempDir, removeDir } from './factories/image-tree.js';

const ROOT = join(import.meta.dirname, '..');
const ENTRY = join(ROOT, 'src/server/cli-entry.ts');

function runCli(args: string[], asUser?: string): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const command = [process.execPath, '--import', 'tsx', ENTRY, ...args];
  if (asUser) command.unshift('runuser', '-u', asUser, '--');
  const child = spawn(command[0]!, command.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

async function waitForOutput(run: ReturnType<typeof runCli>, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const start = Date.now();
  for (;;) {
    const match = run.output().match(pattern);
    if (match) return match;
    if (Date.now() - start > timeoutMs) throw new Error(`no ${pattern} in: ${run.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let dir: string;
beforeAll(async () => {
  dir = await makeImageTree(makeTempDir(), { 'a.jpg': { w: 8, h: 8 }, 'sub/b.png': { w: 8, h: 8 } });
});
afterAll(() => removeDir(dir));

describe('lenslet CLI', () => {
  it.each([
    [['/no/such/folder'], /^lenslet: folder not found: \/no\/such\/folder\n$/],
    [['__FILE__'], /^lenslet: not a folder: .*a\.jpg\n$/],
    [[], /^lenslet: give exactly one folder/],
    [['__DIR__', '--port', 'x'], /^lenslet: --port must be an integer/],
    [['__DIR__', '--bogus'], /^lenslet: Unknown option '--bogus'/],
    [['__DIR__', '--allowed-host', 'http://gallery.lan'], /^lenslet: --allowed-host "http:\/\/gallery\.lan" is not a host name/],
  ])('exits non-zero with one line, no stack trace: %j', async (args, pattern) => {
    const run = runCli(args.map((a) => a.replace('__FILE__', join(dir, 'a.jpg')).replace('__DIR__', dir)));
    expect(await run.exit).toBe(1);
    expect(run.output()).toMatch(pattern);
    expect(run.output()).not.toMatch(/\n\s+at /);
  });

  it('prints the version from package.json, and help', async () => {
    const version = runCli(['--version']);
    expect(await version.exit).toBe(0);
    expect(version.output().trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const help = runCli(['--help']);
    expect(await help.exit).toBe(0);
    expect(help.output()).toContain('--thumb-size');
  });

  it('moves on from a busy port, serves, and shuts down cleanly on SIGTERM', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as net.AddressInfo).port;
    const run = runCli([dir, '--port', String(busy), '--no-write']);
    try {
      const [, port] = await waitForOutput(run, /Lenslet: http:\/\/127\.0\.0\.1:(\d+)\n/);
      expect(Number(port)).toBeGreaterThan(busy);
      expect(run.output()).toContain(`Port ${busy} is busy, using ${port}.`);
      const temp = run.output().match(/state in (\S+) \(removed on exit\)/)![1]!;
      const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
      expect(health).toMatchObject({ ok: true, read_only: true });
      await waitForOutput(run, /Indexed 2 images in/);
      // An open streaming response must not hold up shutdown.
      const controller = new AbortController();
      void fetch(`http://127.0.0.1:${port}/file?path=/a.jpg`, { signal: controller.signal }).catch(() => {});
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
      controller.abort();
      expect(existsSync(temp)).toBe(false);
      expect(existsSync(join(dir, '.lenslet'))).toBe(false);
    } finally {
      run.child.kill('SIGKILL');
      blocker.close();
    }
  });

  it('answers the names given with --allowed-host and 421 to others', async () => {
    const run = runCli([dir, '--port', '0', '--no-write', '--allowed-host', 'gallery.lan', '--allowed-host', 'proxy.example:8443']);
    try {
      const [, port] = await waitForOutput(run, /Lenslet: http:\/\/127\.0\.0\.1:(\d+)\n/);
      const status = (host: string) =>
        new Promise<number>((resolve, reject) => {
          http.get({ host: '127.0.0.1', port: Number(port), path: '/health', headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          }).on('error', reject);
        });
      expect(await status(`gallery.lan:${port}`)).toBe(200);
      expect(await status('proxy.example:8443')).toBe(200);
      expect(await status(`proxy.example:${port}`)).toBe(421);
      expect(await status(`evil.example:${port}`)).toBe(421);
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  // Root reads anything, so as root the CLI runs as `nobody` for this one.
  const isRoot = process.getuid?.() === 0;
  it.skipIf(isRoot && !existsSync('/usr/sbin/runuser'))('refuses an unreadable folder', async () => {
    const { chmodSync } = await import('node:fs');
    const locked = makeTempDir();
    chmodSync(locked, 0o000);
    try {
      const run = runCli([locked], isRoot ? 'nobody' : undefined);
      expect(await run.exit).toBe(1);
      expect(run.output()).toMatch(/^lenslet: folder is not readable/);
    } finally {
      chmodSync(locked, 0o700);
      removeDir(locked);
    }
  });

  describe('a labels database that cannot hold the labels', () => {
    /** A folder whose workspace holds a labels database with 30 written labels. */
    async function labelledFolder(): Promise<{ folder: string; db: string; bytes: Buffer }> {
      const folder = await makeImageTree(makeTempDir(), { 'a.jpg': { w: 8, h: 8 } });
      const server = await startServer({ root: folder, port: 0, webDir: null });
      await server.source.whenIdle();
      for (let v = 1; v <= 30; v++) {
        const body = JSON.stringify({ base_version: v, set_notes: `${'note '.repeat(400)}${v}` });
        const res = await fetch(`${server.url}/item?path=/a.jpg`, { method: 'PATCH', headers: { 'content-type': 'application/json', 'idempotency-key': `cli:${v}` }, body });
        expect(res.status).toBe(200);
      }
      await server.close();
      const db = join(folder, '.lenslet', 'labels.sqlite');
      return { folder, db, bytes: readFileSync(db) };
    }

    it.each([
      ['empty (a truncated copy)', () => Buffer.alloc(0), /is empty \(0 bytes\), so every label would be lost/],
      ['cut in half', (b: Buffer) => b.subarray(0, b.length >> 1), /is damaged \(database disk image is malformed\)/],
      ['overwritten after its header', (b: Buffer) => Buffer.concat([b.subarray(0, 100), Buffer.alloc(b.length - 100, 0x5a)]), /is damaged \(database disk image is malformed\)/],
      ['not SQLite at all', () => Buffer.from('labels, honest'), /is not a SQLite database/],
    ])('refuses to start when it is %s, with one line naming the file and what to do', async (_, damage, reason) => {
      const { folder, db, bytes } = await labelledFolder();
      writeFileSync(db, damage(bytes));
      const run = runCli([folder, '--port', '0']);
      try {
        expect(await run.exit).toBe(1);
        const output = run.output();
        expect(output).toMatch(new RegExp(`^lenslet: labels database ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ${reason.source}: restore it from a backup, or move it aside to start with no labels\n$`));
        expect(output).not.toMatch(/\n\s+at /);
      } finally {
        run.child.kill('SIGKILL');
        removeDir(folder);
      }
    });

    it('starts on a brand-new workspace and creates the database whole on the first write', async () => {
      const folder = await makeImageTree(makeTempDir(), { 'a.jpg': { w: 8, h: 8 } });
      const run = runCli([folder, '--port', '0']);
      try {
        const [, url] = await waitForOutput(run, /Lenslet: (http:\/\/\S+)\n/);
        const workspace = join(folder, '.lenslet');
        expect(existsSync(join(workspace, 'labels.sqlite'))).toBe(false);
        const res = await fetch(`${url}/item?path=/a.jpg`, { method: 'PATCH', headers: { 'content-type': 'application/json', 'idempotency-key': 'cli:new' }, body: '{"base_version":1,"set_star":3}' });
        expect(res.status).toBe(200);
        expect(statSync(join(workspace, 'labels.sqlite')).size).toBeGreaterThan(0);
        expect(readdirSync(workspace).filter((name) => name.endsWith('.new'))).toEqual([]);
        run.child.kill('SIGTERM');
        expect(await run.exit).toBe(0);
      } finally {
        run.child.kill('SIGKILL');
        removeDir(folder);
      }
    });
  });
});
