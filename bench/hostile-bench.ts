/**
 * Hostile clients against one server (issue 9): a PNG decompression bomb on `/metadata`, 100
 * clients replaying a log of 60 KB notes from `Last-Event-ID: 0`, 500 clients connecting and
 * dropping at once, and 1 MB presence gallery ids fanned out to 500 streams. For each: how long
 * `/health` stalled (seen by a client), the server's own event-loop delay, and its memory.
 *
 * The server is the CLI run from source (`src/server/cli-entry.ts` under tsx) of the checkout in
 * $LENSLET_BENCH_CODE (default: this one), so the same script measures an older commit:
 *   LENSLET_BENCH_CODE=/work/main npx tsx bench/run.ts hostile
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { printedUrl } from './child-lenslet.js';
import { encodeImage } from '../test/factories/image-tree.js';
import { compressedTextChunk, deflatedBomb, withChunks } from '../test/factories/png-bomb.js';
import { requestJson } from '../test/labels/support/http-json.js';
import { rawStream, type StreamOutcome } from '../test/support/raw-sse.js';

const CODE = process.env.LENSLET_BENCH_CODE ?? join(import.meta.dirname, '..');
const MONITOR = join(import.meta.dirname, 'loop-monitor.mjs');
const NOTES_EVENTS = Number(process.env.HOSTILE_NOTES_EVENTS ?? 500);
const NOTE = 'n'.repeat(60_000);

interface Server {
  url: string;
  child: ChildProcess;
  statsFile: string;
}

interface Figures {
  scenario: string;
  health_max_ms: number;
  loop_max_ms: number;
  peak_rss_mb: number;
  rss_after_mb: number;
  [detail: string]: unknown;
}

export async function run(): Promise<Figures[]> {
  console.log(`code: ${CODE}; machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}; ${new Date().toISOString()}`);
  const base = mkdtempSync(join(tmpdir(), 'lenslet-hostile-'));
  const dir = join(base, 'images');
  mkdirSync(dir);
  try {
    const png = await encodeImage('png', { w: 4, h: 4 });
    const bomb = deflatedBomb(150 * 1024 * 1024);
    writeFileSync(join(dir, 'bomb.png'), withChunks(png, ['prompt', 'workflow', 'Comment', 'parameters'].map((k) => compressedTextChunk('zTXt', k, bomb))));
    for (let i = 0; i < NOTES_EVENTS; i++) writeFileSync(join(dir, `img-${i}.png`), png);
    const results: Figures[] = [];
    const wanted = process.env.HOSTILE_SCENARIOS?.split(',');
    for (const scenario of [metadataBomb, replayStorm, replayWithin, connectAndDrop, presenceFanOut].filter((f) => !wanted || wanted.includes(f.name))) {
      const server = await startServer(dir, join(base, `ws-${scenario.name}`));
      try {
        const figures = await scenario(server);
        results.push(figures);
        console.log(JSON.stringify(figures));
      } finally {
        server.child.kill('SIGKILL');
      }
    }
    return results;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

async function startServer(root: string, workspace: string): Promise<Server> {
  const statsFile = `${workspace}.loop.json`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', MONITOR, join(CODE, 'src/server/cli-entry.ts'), root, '--port', '0', '--workspace', workspace], {
    cwd: CODE,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LENSLET_LOOP_STATS: statsFile },
  });
  const url = await printedUrl(child);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (;;) {
    const health = await requestJson(agent, url, 'GET', '/health');
    if (health.body?.indexing?.state !== 'running') break;
    await delay(50);
  }
  agent.destroy();
  return { url, child, statsFile };
}

/** Runs `attack` while probing `/health` every 20 ms; returns the attack's own figures plus the stalls and memory. */
async function measure(server: Server, scenario: string, attack: () => Promise<Record<string, unknown>>): Promise<Figures> {
  await delay(300); // let start-up work settle before the histogram is reset
  server.child.kill('SIGUSR2');
  const pid = server.child.pid!;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const rssKb = () => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0; // the server is gone
    }
  };
  // Sampled as well as read from VmHWM at the end: a server that dies of it has no end.
  let rssPeakKb = rssKb();
  const sampler = setInterval(() => (rssPeakKb = Math.max(rssPeakKb, rssKb())), 100);
  let healthMax = 0;
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const t = performance.now();
      await requestJson(agent, server.url, 'GET', '/health').catch(() => undefined);
      healthMax = Math.max(healthMax, performance.now() - t);
      await delay(20);
    }
  })();
  const details = await attack();
  probing = false;
  await probe;
  clearInterval(sampler);
  agent.destroy();
  const crashed = server.child.exitCode !== null || server.child.signalCode !== null;
  if (!crashed) server.child.kill('SIGUSR1');
  let loop = { max: Number.NaN };
  for (let i = 0; i < (crashed ? 0 : 100); i++) {
    await delay(50);
    try {
      loop = JSON.parse(readFileSync(server.statsFile, 'utf8')) as { max: number };
      break;
    } catch {
      // not written yet
    }
  }
  const status = crashed ? '' : readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return {
    scenario,
    ...(crashed ? { crashed: `server died (${server.child.signalCode ?? `exit ${server.child.exitCode}`})` } : {}),
    health_max_ms: Math.round(healthMax),
    loop_max_ms: Math.round(loop.max),
    peak_rss_mb: Math.round(Math.max(kb('VmHWM'), rssPeakKb) / 1024),
    rss_after_mb: Math.round(kb('VmRSS') / 1024),
    ...details,
  };
}

async function metadataBomb(server: Server): Promise<Figures> {
  return measure(server, 'metadata: 4 zTXt chunks of 150 MiB each (600 KB file)', async () => {
    const t = performance.now();
    const res = await fetch(`${server.url}/metadata?path=/bomb.png`);
    const body = await res.text();
    return { status: res.status, ms: Math.round(performance.now() - t), body_kb: Math.round(body.length / 1024) };
  });
}

async function writeNotes(server: Server, count = NOTES_EVENTS): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  let next = 0;
  const writer = async () => {
    while (next < count) {
      const i = next++;
      const res = await requestJson(agent, server.url, 'PATCH', `/item?path=/img-${i}.png`, { base_version: 1, set_notes: NOTE }, {
        'idempotency-key': `hostile-${i}`,
        'x-client-id': `writer-${i % 4}`,
      });
      if (res.status !== 200) throw new Error(`PATCH answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
  };
  await Promise.all([writer(), writer(), writer(), writer()]);
  agent.destroy();
}

async function replayStorm(server: Server): Promise<Figures> {
  return replayFlood(server, NOTES_EVENTS);
}

/** A backlog within the replay bounds (12 MB): every client is sent all of it. */
async function replayWithin(server: Server): Promise<Figures> {
  return replayFlood(server, 200);
}

async function replayFlood(server: Server, events: number): Promise<Figures> {
  await writeNotes(server, events);
  return measure(server, `replay: 100 clients from Last-Event-ID 0 over ${events} events with 60 KB notes`, async () => {
    const t = performance.now();
    const outcomes = await Promise.all(
      Array.from(
        { length: 100 },
        (_, i) =>
          rawStream(`${server.url}/events?client_id=replay-${i}`, { headers: { 'last-event-id': '0' }, keep: 0, until: (o) => o.resync !== null || o.items >= events })
            .done,
      ),
    );
    return {
      seconds: Math.round((performance.now() - t) / 100) / 10,
      full_replays: outcomes.filter((o) => o.items >= events).length,
      resyncs: outcomes.filter((o) => o.resync !== null).length,
      refused: outcomes.filter((o) => o.status !== 200).length,
      sent_mb: Math.round(outcomes.reduce((a, o) => a + o.bytes, 0) / 1e6),
    };
  });
}

async function connectAndDrop(server: Server): Promise<Figures> {
  await writeNotes(server);
  return measure(server, `connect and drop: 500 clients from Last-Event-ID 0 over ${NOTES_EVENTS} events with 60 KB notes`, async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 500 }, (_, i) => rawStream(`${server.url}/events?client_id=drop-${i}`, { headers: { 'last-event-id': '0' }, dropAtOnce: true }).done),
    );
    // The server keeps working after the clients are gone: watch it a while longer.
    await delay(3000);
    return { refused: outcomes.filter((o) => o.status !== 200).length };
  });
}

async function presenceFanOut(server: Server): Promise<Figures> {
  const streams: Promise<StreamOutcome>[] = [];
  for (let i = 0; i < 500; i++) streams.push(rawStream(`${server.url}/events?client_id=viewer-${i}`, { keep: 0 }).done);
  await delay(1000);
  const figures = await measure(server, 'presence fan-out: 3 heartbeats with a 1 MB gallery_id, 500 streams open', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/presence`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ gallery_id: `/${String(i).repeat(1_000_000)}`, client_id: `attacker-${i}`, status: 'viewing' }),
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    await delay(3000);
    return { statuses: statuses.join(',') };
  });
  server.child.kill('SIGKILL');
  const outcomes = await Promise.all(streams);
  return { ...figures, streams_open: outcomes.filter((o) => o.status === 200).length, pushed_mb: Math.round(outcomes.reduce((a, o) => a + o.bytes, 0) / 1e6) };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
