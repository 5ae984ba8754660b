/**
 * Compare view opening with 4 large images (issue 12): time from the `C` key press in the grid
 * (and, separately, from navigating to a `?compare=` link) until every pane is drawn at pane
 * resolution (a screen-sized rendition, or the original, decoded: `data-painted`) and a frame has
 * been painted, in Chromium; then from `=` (100%) until every pane draws its original
 * (`data-originals`). Each open uses a fresh browser context, so nothing is in the browser's cache.
 * `C` opens a folder never compared before, so the server makes the renditions then (its
 * thumbnails were made while the grid showed them, as for a user who looked before comparing);
 * the link opens the same folder again (renditions in the server's cache). Wall-clock times on a
 * shared machine say little alone: the CPU time the browser processes and the server used over the
 * runs is reported beside them (/proc for Chromium and its children, process.cpuUsage for the
 * in-process server).
 *
 * Needs the web build (`npx vite build`, or another build's folder in COMPARE_BENCH_WEB_DIR, e.g.
 * the one before a change) and the system Chromium.
 */
import { linkSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
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
const WEB_DIR = process.env.COMPARE_BENCH_WEB_DIR;
const NAMES = ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg'];

export interface CompareBenchResult {
  images: { width: number; height: number; bytes: number[] };
  runs: number;
  web_dir: string;
  /** `C` pressed in the grid → all 4 panes drawn at pane resolution (renditions made on the way). */
  from_key: Summary;
  /** Navigation to a `?compare=` link → all 4 panes drawn (app load included; renditions cached). */
  from_link: Summary;
  /** `=` (100%) after opening → all 4 panes drawing their originals; null when the build has no such stage. */
  to_originals: Summary | null;
  /** What the panes drew when painted: source kind and natural width, and the pane's width in device pixels. */
  drawn: { source: string; natural_w: number; drawn_w: number }[];
  /** CPU from opening a fresh page until painted, per open (key and link alike). */
  browser_cpu_ms_per_open: number;
  server_cpu_ms_per_open: number;
  /** CPU from `=` until the originals are drawn. */
  originals_cpu_ms: Cpu | null;
}

interface Summary {
  p50_ms: number;
  max_ms: number;
  mean_ms: number;
}

/** Photo-like 6000×4000 JPEGs: smoothed noise tinted per image, so they decode like photographs do. */
async function makeImages(dir: string): Promise<number[]> {
  const sizes: number[] = [];
  mkdirSync(join(dir, 'src'));
  for (const [i, name] of NAMES.entries()) {
    const jpeg = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: { r: 60 * i, g: 90, b: 200 - 40 * i }, noise: { type: 'gaussian', mean: 110 + 20 * i, sigma: 50 } } })
      .blur(1.2)
      .tint({ r: 200 - 30 * i, g: 120 + 25 * i, b: 90 + 30 * i })
      .jpeg({ quality: 88 })
      .toBuffer();
    await writeFile(join(dir, 'src', name), jpeg);
    sizes.push(jpeg.length);
  }
  return sizes;
}

/**
 * A folder per open (hard links to the same four files): new paths, so nothing of them is in the
 * server's caches, and the same bytes to decode every time.
 */
function linkFolders(dir: string, count: number): string[] {
  const folders: string[] = [];
  for (let i = 0; i < count; i++) {
    const folder = `run-${i}`;
    mkdirSync(join(dir, folder));
    for (const name of NAMES) linkSync(join(dir, 'src', name), join(dir, folder, name));
    folders.push(folder);
  }
  return folders;
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

// Strings, not functions: tsx would wrap named functions in a helper the page doesn't have.
const frameAfter = (selector: string) => `new Promise((resolve) => {
  const done = () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
  const check = () => document.querySelector('${selector}') ? done() : requestAnimationFrame(check);
  check();
})`;
const THUMBS_LOADED = `new Promise((resolve) => {
  const check = () => [...document.querySelectorAll('.cell-img')].filter((img) => img.complete && img.naturalWidth > 0).length === 4 ? resolve(true) : requestAnimationFrame(check);
  check();
})`;
const PAINTED = frameAfter('.compare[data-painted="true"]');
const ORIGINALS = frameAfter('.compare[data-originals="true"]');
const DRAWN = `[...document.querySelectorAll('.compare-pane')].map((pane) => {
  const img = pane.querySelector('.compare-img[data-full="true"]') ?? pane.querySelector('.compare-img:not(.is-loading)') ?? pane.querySelector('.compare-img');
  return { source: img.dataset.source ?? (img.src.includes('/file?') ? 'file' : 'thumb'), natural_w: img.naturalWidth, drawn_w: Math.round(img.getBoundingClientRect().width * devicePixelRatio) };
})`;

interface Cpu {
  browser: number;
  server: number;
}

/** CPU ms of Chromium and of this process (the server, bench included) since `from`. */
function cpuSince(from?: Cpu): Cpu {
  const usage = process.cpuUsage();
  const now = { browser: chromiumCpuMs(), server: (usage.user + usage.system) / 1000 };
  return from ? { browser: now.browser - from.browser, server: now.server - from.server } : now;
}

interface KeyRun {
  painted: number;
  originals: number | null;
  drawn: CompareBenchResult['drawn'];
  /** CPU until painted, and from `=` until the originals are drawn. */
  cpu: Cpu;
  originalsCpu: Cpu | null;
}

async function fromKey(browser: Browser, url: string): Promise<KeyRun> {
  const cpu0 = cpuSince();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('.cell[data-index="3"]').waitFor();
  // The grid's thumbnails first: the user has seen the images before comparing them.
  await page.evaluate(THUMBS_LOADED);
  await page.locator('.cell[data-index="0"]').click();
  await page.keyboard.press('Control+a');
  await page.evaluate(`window.addEventListener('keydown', (e) => { window.__pressedAt = e.timeStamp; }, true)`);
  await page.keyboard.press('c');
  const painted = (await page.evaluate(PAINTED)) as number;
  const pressed = (await page.evaluate('window.__pressedAt')) as number;
  const cpu = cpuSince(cpu0);
  const drawn = (await page.evaluate(DRAWN)) as KeyRun['drawn'];
  let originals: number | null = null;
  let originalsCpu: Cpu | null = null;
  // A build without renditions draws the originals first: nothing more to time.
  if ((await page.locator('.compare[data-originals]').count()) > 0) {
    const cpu1 = cpuSince();
    await page.keyboard.press('=');
    const zoomed = (await page.evaluate(ORIGINALS)) as number;
    originals = zoomed - ((await page.evaluate('window.__pressedAt')) as number);
    originalsCpu = cpuSince(cpu1);
  }
  await context.close();
  return { painted: painted - pressed, originals, drawn, cpu, originalsCpu };
}

async function fromLink(browser: Browser, url: string): Promise<{ painted: number; cpu: Cpu }> {
  const cpu0 = cpuSince();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page: Page = await context.newPage();
  await page.goto(url, { waitUntil: 'commit' });
  // performance.now() counts from the navigation's start.
  const painted = (await page.evaluate(PAINTED)) as number;
  const cpu = cpuSince(cpu0);
  await context.close();
  return { painted, cpu };
}

function summary(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n);
  return { p50_ms: round(sorted[Math.floor((sorted.length - 1) / 2)]!), max_ms: round(sorted.at(-1)!), mean_ms: round(sorted.reduce((a, b) => a + b, 0) / sorted.length) };
}

export async function run(): Promise<CompareBenchResult> {
  const root = await mkdtemp(join(tmpdir(), 'lenslet-compare-bench-'));
  const bytes = await makeImages(root);
  const folders = linkFolders(root, RUNS + 1);
  const server = await startTestServer(root, WEB_DIR ? { webDir: WEB_DIR } : {});
  const browser = await launchBrowser();
  try {
    await waitForIndexed(server);
    const open = (folder: string) => server.appUrl(`?path=/${folder}`);
    const link = (folder: string) => server.appUrl(`?path=/${folder}&${NAMES.map((n) => `compare=/${folder}/${n}`).join('&')}`);
    // One warm-up of each: the JIT, the server's first sharp load, the browser's first decode.
    await fromKey(browser, open(folders[0]!));
    await fromLink(browser, link(folders[0]!));
    const key: KeyRun[] = [];
    const direct: { painted: number; cpu: Cpu }[] = [];
    for (const folder of folders.slice(1)) {
      key.push(await fromKey(browser, open(folder)));
      direct.push(await fromLink(browser, link(folder)));
    }
    const opens = [...key, ...direct];
    const perOpen = (cpus: Cpu[], of: keyof Cpu) => Math.round(cpus.reduce((sum, c) => sum + c[of], 0) / cpus.length);
    const originals = key.map((k) => k.originals).filter((ms): ms is number => ms !== null);
    const originalsCpu = key.map((k) => k.originalsCpu).filter((c): c is Cpu => c !== null);
    const result: CompareBenchResult = {
      images: { width: WIDTH, height: HEIGHT, bytes },
      runs: RUNS,
      web_dir: WEB_DIR ?? 'dist/web',
      from_key: summary(key.map((k) => k.painted)),
      from_link: summary(direct.map((d) => d.painted)),
      to_originals: originals.length ? summary(originals) : null,
      drawn: key[0]!.drawn,
      browser_cpu_ms_per_open: perOpen(opens.map((o) => o.cpu), 'browser'),
      server_cpu_ms_per_open: perOpen(opens.map((o) => o.cpu), 'server'),
      originals_cpu_ms: originalsCpu.length ? { browser: perOpen(originalsCpu, 'browser'), server: perOpen(originalsCpu, 'server') } : null,
    };
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(`compare: 4 × ${WIDTH}×${HEIGHT} JPEGs (${bytes.map(mb).join(', ')} MB), ${RUNS} cold opens each way, fresh browser context per open, web ${result.web_dir}`);
    console.log(`  panes drew: ${result.drawn.map((d) => `${d.source} ${d.natural_w} px wide for ${d.drawn_w} device px`).join(' · ')}`);
    console.log(`  C in the grid → all panes painted at pane resolution (renditions made): p50 ${result.from_key.p50_ms} ms · max ${result.from_key.max_ms} ms · mean ${result.from_key.mean_ms} ms`);
    console.log(`  ?compare= link → all panes painted (app load included, renditions cached): p50 ${result.from_link.p50_ms} ms · max ${result.from_link.max_ms} ms`);
    console.log(`  CPU per open until painted: browser ${result.browser_cpu_ms_per_open} ms (all Chromium processes, /proc) · server ${result.server_cpu_ms_per_open} ms (process.cpuUsage, bench included)`);
    if (result.to_originals && result.originals_cpu_ms) {
      console.log(`  = (100%) → all panes drawing their originals: p50 ${result.to_originals.p50_ms} ms · max ${result.to_originals.max_ms} ms · CPU browser ${result.originals_cpu_ms.browser} ms, server ${result.originals_cpu_ms.server} ms`);
    }
    console.log(JSON.stringify({ bench: 'compare', ...result }));
    return result;
  } finally {
    await browser.close();
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}
