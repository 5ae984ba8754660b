/**
 * `npm run bench -- duplicates-cosine` (issue 13, duplicates DU9): POST /duplicates grouping a
 * table's 512-d embedding by cosine, in process, CPU time from process.cpuUsage() around each
 * request (nothing else runs in the process meanwhile: the index is built before measuring).
 * - 100,000 vectors (LENSLET_BENCH_COSINE_ROWS), scope "/": through the index, first request
 *   (every item's 17 nearest asked of the index) and again at another min_score (neighbours kept);
 * - one folder of that table (rows / 1,000 vectors) and a 1,000-row table: exact, every pair.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuplicatesResponse } from '../src/protocol/duplicates.js';
import type { EmbeddingInfo } from '../src/protocol/embeddings.js';
import { type Launched, launch } from '../src/server/launch.js';
import { embeddingBenchTable } from './embedding-fixture.js';

const DIM = 512;

export async function run(): Promise<void> {
  const rows = Number(process.env.LENSLET_BENCH_COSINE_ROWS ?? 100_000);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await measure(await embeddingBenchTable(rows, DIM), rows, [
    { path: '/', minScore: 0.75 },
    { path: '/', minScore: 0.8 },
    { path: '/shard_007', minScore: 0.75 },
  ]);
  await measure(await embeddingBenchTable(1000, DIM), 1000, [
    { path: '/', minScore: 0.75 },
    { path: '/', minScore: 0.8 },
  ]);
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

async function measure(file: string, rows: number, cases: { path: string; minScore: number }[]): Promise<void> {
  const workspace = mkdtempSync(join(tmpdir(), 'lenslet-cosine-ws-'));
  let server: Launched | undefined;
  try {
    server = await launch({ path: file, port: 0, webDir: null, workspaceDir: workspace });
    const started = performance.now();
    for (;;) {
      const list = (await (await fetch(`${server.url}/embeddings`)).json()) as EmbeddingInfo[];
      if (list.some((e) => e.name === 'emb' && e.index.state === 'ready' && e.count === rows)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(`${rows.toLocaleString('en-US')} × ${DIM}: vectors read and index ready after ${((performance.now() - started) / 1000).toFixed(1)} s`);
    for (const c of cases) {
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      const response = await fetch(`${server.url}/duplicates`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: c.path, embedding: 'emb', min_score: c.minScore }),
      });
      const body = (await response.json()) as DuplicatesResponse;
      const wall = performance.now() - t0;
      const used = process.cpuUsage(cpu);
      const sizes = body.groups.map((g) => g.items.length);
      console.log(
        `  ${c.path} min_score ${c.minScore}: ${response.status}, ${body.total} in scope, ${sizes.length} groups (largest ${Math.max(0, ...sizes)}), ` +
          `CPU ${((used.user + used.system) / 1000).toFixed(0)} ms, wall ${wall.toFixed(0)} ms`,
      );
    }
  } finally {
    await server?.close();
    rmSync(workspace, { recursive: true, force: true });
  }
}
