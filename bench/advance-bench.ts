/**
 * Culling with auto-advance (issue 12): in the viewer, a star key press until the next image is
 * painted in full, once that neighbour has been prefetched (target p95 < 50 ms). The viewer
 * prefetches and decodes the ±2 neighbours of the image on screen; before each press the bench
 * waits until the next image is decoded, as a person does who looks at an image for a moment
 * before rating it. The press goes through the real key handler, the write queue
 * (PATCH /item) and the advance; "painted" is the first animation frame after the viewer's full
 * image for the next path is in the DOM.
 *
 * Beside the wall times, the page's main-thread CPU time per step from a Chrome trace
 * (bench/main-thread-trace.ts): what the step costs the page whatever the load of the machine.
 * `ADVANCE_BENCH_WEB=<dir>` serves another web build (e.g. one saved from before a change), so
 * before and after run in the same setting.
 *
 * Needs the web build (`npx vite build`) and the system Chromium.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { launchBrowser } from '../e2e/helpers/browser.js';
import { startTestServer, waitForIndexed } from '../e2e/helpers/server.js';
import { stepCosts, TRACE_CATEGORIES } from './main-thread-trace.js';

const COUNT = Number(process.env.ADVANCE_BENCH_IMAGES ?? 41);
const WIDTH = Number(process.env.ADVANCE_BENCH_WIDTH ?? 3000);
const HEIGHT = Number(process.env.ADVANCE_BENCH_HEIGHT ?? 2000);
const WEB_DIR = process.env.ADVANCE_BENCH_WEB;
const PAINTED_MARK = 'advance-painted';

export interface AdvanceBenchResult {
  images: { count: number; width: number; height: number };
  presses: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  writes_seen: number;
  /** Main-thread CPU time per press (ms, p50 / p95): the keydown's task, keydown → painted, press → next press. */
  main_thread: { keydown_task: [number, number]; to_paint: [number, number]; step: [number, number] };
}

const nameOf = (i: number) => `img_${String(i).padStart(3, '0')}.jpg`;

/** Photo-like JPEGs: smoothed noise tinted per image, so each decodes like a photograph does. */
async function makeImages(dir: string): Promise<void> {
  for (let i = 0; i < COUNT; i++) {
    const jpeg = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: { r: (37 * i) % 255, g: 90, b: 160 }, noise: { type: 'gaussian', mean: 120, sigma: 45 } } })
      .blur(1.2)
      .jpeg({ quality: 85 })
      .toBuffer();
    await writeFile(join(dir, nameOf(i)), jpeg);
  }
}

// Strings, not functions: tsx would wrap named functions in a helper the page doesn't have.
// The viewer prefetches and decodes the ±2 neighbours, through a screen-sized rendition
// (`/preview`) or the original (`/file`), whichever it would show. The bench waits until the page
// has fetched that neighbour's image (a resource timing entry), then decodes the same URL; that
// ends at about the time the viewer's own decode does, so the press comes once the neighbour is
// ready.
const decodedScript = (name: string) => `new Promise((resolve) => {
  const key = 'path=' + encodeURIComponent('/' + ${JSON.stringify(name)});
  const started = performance.now();
  const find = () => {
    const hit = performance.getEntriesByType('resource').reverse().find((e) => {
      const url = new URL(e.name);
      return (url.pathname === '/preview' || url.pathname === '/file') && url.search.includes(key);
    });
    if (!hit && performance.now() - started < 10000) { setTimeout(find, 5); return; }
    const img = new Image();
    img.src = hit ? hit.name : '/file?' + key;
    img.decode().then(resolve, resolve);
  };
  find();
})`;
/**
 * Armed before the press: watches every animation frame (from the page's own clock, so no round
 * trip of the bench is counted) for the next path's image and keeps the frame time it was first
 * seen in, full (`__full`) and any (`__shown`, the thumbnail first).
 */
const armScript = (name: string) => `(() => {
  window.__full = undefined; window.__shown = undefined;
  const sel = '.viewer-img[alt=' + ${JSON.stringify(JSON.stringify(name))} + ']';
  const tick = () => {
    const t = performance.now();
    if (window.__shown === undefined && document.querySelector(sel)) window.__shown = t;
    if (document.querySelector(sel + '[data-full="true"]')) { window.__full = t; performance.mark(${JSON.stringify(PAINTED_MARK)}); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;
const paintedScript = (name: string) => `new Promise((resolve) => {
  const check = () => document.querySelector('.viewer-img[data-full="true"][alt=${JSON.stringify(name)}]')
    ? requestAnimationFrame(() => resolve(performance.now())) : requestAnimationFrame(check);
  check();
})`;
const waitFull = `new Promise((resolve) => { const check = () => window.__full !== undefined ? resolve([window.__shown, window.__full]) : setTimeout(check, 5); check(); })`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function run(): Promise<AdvanceBenchResult> {
  const root = await mkdtemp(join(tmpdir(), 'lenslet-advance-bench-'));
  await makeImages(root);
  const server = await startTestServer(root, WEB_DIR ? { webDir: WEB_DIR } : {});
  const browser = await launchBrowser();
  try {
    await waitForIndexed(server);
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await context.addInitScript(`localStorage.setItem('lenslet.auto-advance', 'true')`);
    const page = await context.newPage();
    let writes = 0;
    page.on('request', (r) => {
      if (r.method() === 'PATCH' && new URL(r.url()).pathname === '/item') writes++;
    });
    await page.goto(server.appUrl(`?view=${encodeURIComponent(`/${nameOf(0)}`)}`));
    await page.evaluate(paintedScript(nameOf(0)));
    await page.evaluate(`window.addEventListener('keydown', (e) => { window.__pressedAt = e.timeStamp; }, true)`);
    const samples: number[] = [];
    await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    for (let i = 0; i + 1 < COUNT; i++) {
      await page.evaluate(decodedScript(nameOf(i + 1)));
      await page.evaluate(armScript(nameOf(i + 1)));
      await page.keyboard.press(String(1 + (i % 5)));
      const [shown, painted] = (await page.evaluate(waitFull)) as [number, number];
      const pressed = (await page.evaluate('window.__pressedAt')) as number;
      if (process.env.ADVANCE_BENCH_TRACE) console.log(`  press ${i}: shown ${(shown - pressed).toFixed(1)} ms, full ${(painted - pressed).toFixed(1)} ms`);
      // The first press also warms the JIT and the write path: not counted.
      if (i > 0) samples.push(painted - pressed);
    }
    // The first press is left out here too.
    const costs = stepCosts(await browser.stopTracing(), PAINTED_MARK).slice(1);
    await context.close();
    const sorted = [...samples].sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    const p50p95 = (values: number[]): [number, number] => {
      const s = [...values].sort((a, b) => a - b);
      return s.length ? [round(percentile(s, 50)), round(percentile(s, 95))] : [Number.NaN, Number.NaN];
    };
    const result: AdvanceBenchResult = {
      images: { count: COUNT, width: WIDTH, height: HEIGHT },
      presses: samples.length,
      p50_ms: round(percentile(sorted, 50)),
      p95_ms: round(percentile(sorted, 95)),
      max_ms: round(sorted.at(-1)!),
      writes_seen: writes,
      main_thread: {
        keydown_task: p50p95(costs.map((c) => c.keydownTaskMs)),
        to_paint: p50p95(costs.map((c) => c.toPaintMs)),
        step: p50p95(costs.map((c) => c.stepMs)),
      },
    };
    const { keydown_task, to_paint, step } = result.main_thread;
    console.log(`advance: ${COUNT} JPEGs of ${WIDTH}×${HEIGHT}, auto-advance on, a star key per image in the viewer (neighbour fetched first)`);
    console.log(`  key press → next image painted in full: p50 ${result.p50_ms} ms · p95 ${result.p95_ms} ms (target < 50 ms) · max ${result.max_ms} ms over ${result.presses} presses; ${writes} PATCH /item sent`);
    console.log(
      `  main-thread CPU per press (p50 / p95 over ${costs.length}): keydown task ${keydown_task.join(' / ')} ms · keydown → painted ${to_paint.join(' / ')} ms · press → next press ${step.join(' / ')} ms`,
    );
    console.log(JSON.stringify({ bench: 'advance', web: WEB_DIR ?? 'dist/web', ...result }));
    return result;
  } finally {
    await browser.close();
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}
