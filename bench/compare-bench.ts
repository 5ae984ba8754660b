/**
 * Compare view opening with 4 large images (issue 12): time from the `C` key press in the grid
 * (and, separately, from navigating to a `?compare=` link) until every pane shows its decoded
 * original and a frame has been painted, in Chromium. Each run uses a fresh browser context, so
 * nothing is in the browser's cache. Wall-clock times on a shared machine say little alone: the
 * CPU time the browser processes and the server used over the runs is reported beside them
 * (/proc for Chromium and its children, process.cpuUsage for the in-process server).
 *
 * Needs the web build (`npx vite build`) and the system Chromium.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/helpers/browser.js';
import { startTestServer, waitForIndexed } from '../e2e/helpers/server.js';

const RUNS = Number(process.env.COMPARE_BENCH_RUNS ?? 5);
const WIDTH = Number(process.env.COMPARE_BENCH_WIDTH ?? 6000);
const HEIGHT = Number(process.env.COMPARE_BENCH_HEIGHT ?? 4000);
const NAMES = ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg'];

export interface CompareBenchResult {
  images: { width: number; height: number; bytes: number[] };
  runs: number;
  /** `C` pressed in the grid → all 4 panes painted with their originals. */
  from_key: Summary;
  /** Navigation to a `?compare=` link → all 4 panes painted (includes loading the app). */
  from_link: Summary;
  browser_cpu_ms_per_open: number;
  server_cpu_ms_per_open: number;
}

interface Summary {
  p50_ms: number;
  max_ms: number;
  mean_ms: number;
}

/** Photo-like 6000×4000 JPEGs: smoothed noise tinted per image, so they decode like photographs do. */
async function makeImages(dir: string): Promise<number[]> {
  const sizes: number[] = [];
  for (const [i, name] of NAMES.entries()) {
    const jpeg = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: { r: 60 * i, g: 90, b: 200 - 40 * i }, noise: { type: 'gaussian', mean: 110 + 20 * i, sigma: 50 } } })
      .blur(1.2)
      .tint({ r: 200 - 30 * i, g: 120 + 25 * i, b: 90 + 30 * i })
      .jpeg({ quality: 88 })
      .toBuffer();
    await writeFile(join(dir, name), jpeg);
    sizes.push(jpeg.length);
  }
  return sizes;
}

/**
 * CPU time (ms) of Chromium: every process below this one, with the CPU of their children that
 * have exited (cutime/cstime). Renderers end with their browser context; the zygote that forked
 * them has reaped them by then, so their time is still counted.
 */
function chromiumCpuMs(): number {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(fields[1]));
      cpu.set(Number(name), ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_S);
    } catch {
      // Exited meanwhile.
    }
  }
  const below = [process.pid];
  for (let i = 0; i < below.length; i++) for (const [pid, ppid] of parent) if (ppid === below[i]) below.push(pid);
  return below.slice(1).reduce((sum, pid) => sum + (cpu.get(pid) ?? 0), 0);
}

/** Kernel clock ticks per second (`getconf CLK_TCK`). */
const TICKS_PER_S = 100;

// A string, not a function: tsx would wrap named functions in a helper the page doesn't have.
const PAINTED = `new Promise((resolve) => {
  const done = () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
  const check = () => document.querySelector('.compare[data-painted="true"]') ? done() : requestAnimationFrame(check);
  check();
})`;

async function fromKey(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('.cell[data-index="3"]').waitFor();
  await page.locator('.cell[data-index="0"]').click();
  await page.keyboard.press('Control+a');
  await page.evaluate(`window.addEventListener('keydown', (e) => { window.__pressedAt = e.timeStamp; }, true)`);
  await page.keyboard.press('c');
  const painted = (await page.evaluate(PAINTED)) as number;
  const pressed = (await page.evaluate('window.__pressedAt')) as number;
  await context.close();
  return painted - pressed;
}

async function fromLink(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page: Page = await context.newPage();
  await page.goto(url, { waitUntil: 'commit' });
  // performance.now() counts from the navigation's start.
  const painted = (await page.evaluate(PAINTED)) as number;
  await context.close();
  return painted;
}

function summary(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n);
  return { p50_ms: round(sorted[Math.floor((sorted.length - 1) / 2)]!), max_ms: round(sorted.at(-1)!), mean_ms: round(sorted.reduce((a, b) => a + b, 0) / sorted.length) };
}

export async function run(): Promise<CompareBenchResult> {
  const root = await mkdtemp(join(tmpdir(), 'lenslet-compare-bench-'));
  const bytes = await makeImages(root);
  const server = await startTestServer(root);
  const browser = await launchBrowser();
  try {
    await waitForIndexed(server);
    const link = server.appUrl(`?${NAMES.map((n) => `compare=/${n}`).join('&')}`);
    // One warm-up of each: the JIT, the server's first sharp load, the browser's first decode.
    await fromKey(browser, server.appUrl());
    await fromLink(browser, link);
    const cpu0 = chromiumCpuMs();
    const server0 = process.cpuUsage();
    const key: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      key.push(await fromKey(browser, server.appUrl()));
      direct.push(await fromLink(browser, link));
    }
    const browserMs = chromiumCpuMs() - cpu0;
    const serverUsage = process.cpuUsage(server0);
    const opens = RUNS * 2;
    const result: CompareBenchResult = {
      images: { width: WIDTH, height: HEIGHT, bytes },
      runs: RUNS,
      from_key: summary(key),
      from_link: summary(direct),
      browser_cpu_ms_per_open: Math.round(browserMs / opens),
      server_cpu_ms_per_open: Math.round((serverUsage.user + serverUsage.system) / 1000 / opens),
    };
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(`compare: 4 × ${WIDTH}×${HEIGHT} JPEGs (${bytes.map(mb).join(', ')} MB), ${RUNS} cold opens each way, fresh browser context per open`);
    console.log(`  C in the grid → all panes painted: p50 ${result.from_key.p50_ms} ms · max ${result.from_key.max_ms} ms · mean ${result.from_key.mean_ms} ms`);
    console.log(`  ?compare= link → all panes painted (app load included): p50 ${result.from_link.p50_ms} ms · max ${result.from_link.max_ms} ms`);
    console.log(`  CPU per open: browser ${result.browser_cpu_ms_per_open} ms (all Chromium processes, /proc) · server ${result.server_cpu_ms_per_open} ms (process.cpuUsage, bench included)`);
    console.log(JSON.stringify({ bench: 'compare', ...result }));
    return result;
  } finally {
    await browser.close();
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

