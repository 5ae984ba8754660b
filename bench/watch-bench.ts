/**
 * The folder watcher at 100k files in 10k folders: how long subscribing takes, the process's CPU
 * at rest while watching, and the time from a file's creation to its onChange report.
 * In-process (the watcher's thread is part of this process's CPU time). The tree is one small
 * JPEG hard-linked 100k times into os.tmpdir(), generated once and reused.
 * The helpers are exported for benches that measure the same things through a server.
 */
import { existsSync, linkSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { DatasetChange } from '../src/server/datasets/dataset-source.js';
import { FolderSource } from '../src/server/datasets/folder-source.js';

const TOP = 100;
const SUB = 100;
const PER_DIR = 10;
const TOTAL = TOP * SUB * PER_DIR;
const TREE = join(tmpdir(), 'lenslet-watch-bench-100k');
const IDLE_MS = 10_000;
const CREATES = 20;

export async function run(): Promise<void> {
  await ensureWatchTree();
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}`);
  console.log(`data: ${TOTAL.toLocaleString('en-US')} files in ${(TOP * SUB).toLocaleString('en-US')} folders at ${TREE}`);
  const source = await FolderSource.open(TREE);
  try {
    let started = performance.now();
    source.start();
    await source.whenIdle();
    console.log(`indexing: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    started = performance.now();
    const status = await source.watch({ log: (line) => console.log(line) });
    console.log(`watch(): ${status.kind} after ${(performance.now() - started).toFixed(0)} ms (subscribing walks and watches every folder)`);
    const idle = await measureIdleCpu(IDLE_MS);
    console.log(`CPU at rest while watching: ${idle.percent.toFixed(2)} % of one core over ${IDLE_MS / 1000} s (${idle.cpuMs.toFixed(0)} ms CPU)`);
    const latency = await measureCreateLatency(source, TREE, CREATES);
    console.log(`file created → onChange: median ${latency.median.toFixed(0)} ms, max ${latency.max.toFixed(0)} ms over ${CREATES} files (target < 2000 ms)`);
  } finally {
    await source.close();
  }
}

/** The 100k-file tree (created once); returns its path. */
export async function ensureWatchTree(): Promise<string> {
  const marker = join(TREE, '.complete');
  if (existsSync(marker)) return TREE;
  rmSync(TREE, { recursive: true, force: true });
  const originals = join(TREE, '.originals');
  mkdirSync(originals, { recursive: true });
  const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#8a4' } }).jpeg().toBuffer();
  for (let t = 0; t < TOP; t++) {
    // One original per top folder: a file system caps links per inode (ext4: 65,000).
    const original = join(originals, `t${t}.jpg`);
    writeFileSync(original, bytes);
    for (let s = 0; s < SUB; s++) {
      const folder = join(TREE, `t${t}`, `s${s}`);
      mkdirSync(folder, { recursive: true });
      for (let f = 0; f < PER_DIR; f++) linkSync(original, join(folder, `img${f}.jpg`));
    }
  }
  writeFileSync(marker, '');
  return TREE;
}

/** This process's CPU over `ms` of doing nothing, as a share of one core. */
export async function measureIdleCpu(ms: number): Promise<{ percent: number; cpuMs: number }> {
  const before = process.cpuUsage();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const used = process.cpuUsage(before);
  const cpuMs = (used.user + used.system) / 1000;
  return { percent: (cpuMs / (performance.now() - started)) * 100, cpuMs };
}

/** Creates `count` files one after another in folders across the tree, timing each until onChange reports it. */
export async function measureCreateLatency(source: FolderSource, root: string, count: number): Promise<{ median: number; max: number }> {
  const times: number[] = [];
  const created: string[] = [];
  let waiting: { path: string; resolve: () => void } | undefined;
  const off = source.onChange((change: DatasetChange) => {
    if (waiting && change.added.includes(waiting.path)) waiting.resolve();
  });
  try {
    for (let i = 0; i < count; i++) {
      const rel = `t${(i * 37) % TOP}/s${(i * 53) % SUB}/new-${process.pid}-${i}.jpg`;
      const reported = new Promise<void>((resolve) => {
        waiting = { path: `/${rel}`, resolve };
      });
      const started = performance.now();
      writeFileSync(join(root, rel), 'x');
      created.push(join(root, rel));
      await Promise.race([reported, new Promise((_, reject) => setTimeout(() => reject(new Error(`/${rel} not reported within 10 s`)), 10_000))]);
      times.push(performance.now() - started);
    }
  } finally {
    off();
    for (const file of created) unlinkSync(file);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, max: times[times.length - 1]! };
}
