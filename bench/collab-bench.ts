/**
 * Collaboration in the browser: edit-to-remote-paint latency. Two browser contexts (two users)
 * on one real server; in one, a key press rates an image; in the other, we time until the grid
 * cell's star badge shows the new rating and a frame has been painted. Both pages stamp with
 * `performance.timeOrigin + performance.now()`, so the two clocks are the same wall clock.
 *
 * Needs the web build (`npx vite build`) and the system Chromium.
 */
import type { Page } from 'playwright-core';
import { launchBrowser } from '../e2e/helpers/browser.js';
import { makeGallery } from '../e2e/helpers/fixtures.js';
import { startTestServer, waitForIndexed } from '../e2e/helpers/server.js';

export interface CollabBenchResult {
  edits: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  mean_ms: number;
}

const EDITS = Number(process.env.COLLAB_BENCH_EDITS ?? 50);
const TARGET = '/root-01.jpg';

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * In the viewing page: resolves with the wall-clock time of the first frame showing `stars`.
 * A string, not a function: tsx would wrap named functions in a helper the page doesn't have.
 */
function armPaintProbe(page: Page, path: string, stars: number): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const want = ${JSON.stringify('★'.repeat(stars))};
    const selector = '.cell[data-path="' + CSS.escape(${JSON.stringify(path)}) + '"] .cell-badge';
    const shows = () => document.querySelector(selector)?.textContent === want;
    let observer;
    const done = () => {
      observer.disconnect();
      // rAF runs just before the frame is painted; the task after it runs once it is.
      requestAnimationFrame(() => setTimeout(() => resolve(performance.timeOrigin + performance.now()), 0));
    };
    observer = new MutationObserver(() => { if (shows()) done(); });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    if (shows()) done();
  })`) as Promise<number>;
}

export async function run(): Promise<CollabBenchResult> {
  const fixture = await makeGallery();
  const server = await startTestServer(fixture.root);
  const browser = await launchBrowser();
  try {
    await waitForIndexed(server);
    const open = async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(server.appUrl());
      await page.locator(`.cell[data-path="${TARGET}"]`).click();
      await page.getByTestId('connection-status').filter({ hasText: 'Live' }).waitFor();
      return page;
    };
    const editor = await open();
    const viewer = await open();
    // Stamp the key press in the editing page, at the moment the browser dispatches it.
    await editor.evaluate(`window.addEventListener('keydown', (e) => { window.__pressedAt = performance.timeOrigin + e.timeStamp; }, true)`);

    const samples: number[] = [];
    let previous = 0;
    for (let i = 0; i < EDITS + 3; i++) {
      let stars = (i % 5) + 1;
      if (stars === previous) stars = (stars % 5) + 1;
      previous = stars;
      const painted = armPaintProbe(viewer, TARGET, stars);
      await editor.keyboard.press(String(stars));
      const paintedAt = await painted;
      const pressedAt = (await editor.evaluate('window.__pressedAt')) as number;
      if (i >= 3) samples.push(paintedAt - pressedAt); // the first few warm up the JIT and the server
      await editor.getByTestId('sync-indicator').locator('[data-status="saved"]').waitFor();
    }
    samples.sort((a, b) => a - b);
    const result: CollabBenchResult = {
      edits: samples.length,
      p50_ms: round(percentile(samples, 50)),
      p95_ms: round(percentile(samples, 95)),
      max_ms: round(samples[samples.length - 1]!),
      mean_ms: round(samples.reduce((a, b) => a + b, 0) / samples.length),
    };
    console.log(`collab: edit → remote paint over ${result.edits} edits (two browser contexts, one server)`);
    console.log(`  p50 ${result.p50_ms} ms · p95 ${result.p95_ms} ms · max ${result.max_ms} ms · mean ${result.mean_ms} ms (target p95 < 250 ms)`);
    console.log(JSON.stringify({ bench: 'collab', ...result }));
    return result;
  } finally {
    await browser.close();
    await server.close();
    await fixture.cleanup();
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
