import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fingerprinter } from '../src/server/identity/fingerprinter.js';
import { startServer } from '../src/server/server.js';
import { encodeImage } from '../test/factories/image-tree.js';
import { SseClient } from '../test/labels/support/sse-client.js';

/**
 * Living datasets (issue 16): how fast fingerprinting is next to only reading the same bytes
 * (page cache warm, so the ratio is the hashing cost), and how long a new file takes to show up as
 * an `items-added` event on a running, watching server. The watcher's CPU at rest is the watcher
 * bench's to measure.
 */
const FILES = 32;
const FILE_BYTES = 4 << 20;
const RUNS = 5;
const CHUNK = 1 << 20;
const LATENCY_FILES = 20;

export async function run(): Promise<unknown> {
  const throughput = await fingerprintThroughput();
  const latency = await addedLatency();
  return { throughput, latency };
}

async function fingerprintThroughput() {
  const dir = mkdtempSync(join(tmpdir(), 'lenslet-identity-bench-'));
  try {
    const paths = Array.from({ length: FILES }, (_, i) => join(dir, `f${i}.bin`));
    const body = Buffer.alloc(FILE_BYTES);
    for (let i = 0; i < body.length; i += 4) body.writeUInt32LE((i * 2654435761) >>> 0, i);
    for (const [i, path] of paths.entries()) {
      body.writeUInt32LE(i, 0);
      writeFileSync(path, body);
    }
    const fingerprinter = await Fingerprinter.create({ concurrency: 1, chunkBytes: CHUNK });
    const buffer = Buffer.allocUnsafe(CHUNK);
    const readOnly = async () => {
      for (const path of paths) {
        const handle = await open(path, 'r');
        try {
          while ((await handle.read(buffer, 0, CHUNK, null)).bytesRead > 0);
        } finally {
          await handle.close();
        }
      }
    };
    const hashAll = async () => {
      for (const path of paths) await fingerprinter.hashFile(path);
    };
    await readOnly(); // warms the page cache
    const mb = (FILES * FILE_BYTES) / 1e6;
    const rate = async (pass: () => Promise<void>) => {
      const rates: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        await pass();
        rates.push(mb / ((performance.now() - started) / 1000));
      }
      return median(rates);
    };
    const readMBs = await rate(readOnly);
    const hashMBs = await rate(hashAll);
    const result = { mb: Math.round(mb), readMBs: Math.round(readMBs), fingerprintMBs: Math.round(hashMBs), ratio: Number((hashMBs / readMBs).toFixed(2)) };
    console.log(`fingerprint (xxh3-128, 1 lane) ${result.fingerprintMBs} MB/s vs read only ${result.readMBs} MB/s over ${result.mb} MB warm: ratio ${result.ratio} (median of ${RUNS})`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function addedLatency() {
  const dir = mkdtempSync(join(tmpdir(), 'lenslet-identity-bench-'));
  const image = await encodeImage('png', { w: 16, h: 16 });
  writeFileSync(join(dir, 'seed.png'), image);
  const server = await startServer({ root: dir, port: 0, webDir: null, noWrite: true, watch: true, rateLimits: false, log: (line) => console.log(`  server: ${line}`) });
  try {
    await server.source.whenIdle();
    const status = await server.services.living.watching;
    if (status.kind === 'off') {
      console.log('creation → items-added: skipped (this source does not watch)');
      return null;
    }
    const client = await SseClient.connect(`${server.url}/events`);
    await client.until(() => client.comments.includes('connected'), 5000, 'connected');
    const delays: number[] = [];
    for (let i = 0; i < LATENCY_FILES; i++) {
      const name = `/new-${i}.png`;
      const seen = client.messages.length;
      const started = performance.now();
      writeFileSync(join(dir, name), image);
      await client.until(() => client.messages.slice(seen).some((m) => m.event === 'items-added' && (m.json as { paths: string[] }).paths.includes(name)), 10_000, `items-added ${name}`);
      delays.push(performance.now() - started);
    }
    client.close();
    const result = { watch: status.kind, medianMs: Math.round(median(delays)), maxMs: Math.round(Math.max(...delays)) };
    console.log(`creation → items-added (${status.kind}): median ${result.medianMs} ms, max ${result.maxMs} ms over ${LATENCY_FILES} files`);
    return result;
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
