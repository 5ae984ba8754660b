import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page, Request } from 'playwright-core';
import { REQUEST_FAILURES, launchBrowser, openApp, type Tab, screenshotSettled } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';

// Issue 12: compare panes and the viewer draw a screen-sized rendition (GET /preview, media/SPEC.md
// RN…) and the original only once the zoom needs more pixels than the rendition has, without
// moving the image.
const SHOTS = process.env.LENSLET_SHOTS ?? '/tmp/shots';
const W = 3200;
const H = 2400;

let root: string;
let server: TestServer;
let browser: Browser;
let tab: Tab;

/**
 * A large image with lines and labels: drawn small and scaled up 4× with hard edges (SVG drawn at
 * full size is seconds of CPU), so a rendition looks soft beside the original at 100%.
 */
function photo(label: string, hue: number): Promise<Buffer> {
  const [w, h] = [W / 4, H / 4];
  const lines = Array.from({ length: 40 }, (_, i) => `<line x1="${i * 20}" y1="0" x2="${i * 20 + 150}" y2="${h}" stroke="white" stroke-width="1"/>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="hsl(${hue},55%,35%)"/>${lines}<circle cx="${w / 2}" cy="${h / 2}" r="175" fill="none" stroke="#fff" stroke-width="2"/><text x="${w / 2}" y="${h / 2 + 30}" font-size="90" font-family="sans-serif" text-anchor="middle" fill="#fff">${label}</text><text x="${w / 2}" y="${h / 2 + 65}" font-size="10" font-family="sans-serif" text-anchor="middle" fill="#fff">fine print at the centre</text></svg>`;
  return sharp(Buffer.from(svg)).resize(W, H, { kernel: 'nearest' }).jpeg({ quality: 85 }).toBuffer();
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  root = await mkdtemp(join(tmpdir(), 'lenslet-e2e-preview-'));
  for (const [i, name] of ['left', 'right', 'third'].entries()) {
    await writeFile(join(root, `${name}.jpg`), await photo(name.toUpperCase(), 20 + 160 * i));
  }
  // Cut short: sharp refuses it (a rendition answers 422), a browser draws what there is.
  const whole = await photo('CUT', 280);
  await writeFile(join(root, 'cut.jpg'), whole.subarray(0, Math.floor(whole.length * 0.7)));
  server = await startTestServer(root);
  await waitForIndexed(server);
  browser = await launchBrowser();
  tab = await openApp(browser, server.appUrl(), { displayName: 'Ada', ignoreConsole: REQUEST_FAILURES });
}, 120_000);

afterAll(async () => {
  expect(tab?.errors ?? []).toEqual([]);
  await browser?.close();
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

/** Each pane's drawn image: its source, URL, natural width and where it is drawn. */
function drawn(page: Page) {
  return page.locator('.compare-pane').evaluateAll((panes) =>
    panes.map((pane) => {
      const img = pane.querySelector<HTMLImageElement>('.compare-img[data-full="true"]')!;
      const r = img.getBoundingClientRect();
      return { source: img.dataset.source, src: img.getAttribute('src')!, naturalWidth: img.naturalWidth, rect: { x: r.x, y: r.y, width: r.width, height: r.height } };
    }),
  );
}

describeWithBrowser('compare view with large images', () => {
  const files: string[] = [];
  const onRequest = (request: Request) => {
    if (new URL(request.url()).pathname === '/file') files.push(request.url());
  };

  it('draws each pane from a rendition sized to the pane, without fetching the originals', async () => {
    const page = tab.page;
    page.on('request', onRequest);
    await page.locator('.cell[data-path="/left.jpg"]').click();
    await page.locator('.cell[data-path="/right.jpg"]').click({ modifiers: ['Control'] });
    await page.keyboard.press('c');
    await page.locator('.compare[data-painted="true"]').waitFor();
    const panes = await drawn(page);
    const dpr = await page.evaluate(() => devicePixelRatio);
    for (const pane of panes) {
      expect(pane.source).toBe('preview');
      expect(pane.src).toMatch(/^\/preview\?path=%2F(left|right)\.jpg&w=1024$/);
      // Enough pixels for the pane, far fewer than the original's.
      expect(pane.naturalWidth).toBeGreaterThanOrEqual(pane.rect.width * dpr);
      expect(pane.naturalWidth).toBe(1024);
    }
    expect(await page.locator('.compare').getAttribute('data-originals')).toBe('false');
    // The caption gives the original's size, not the rendition's.
    expect(await page.getByTestId('compare-dims').allTextContents()).toEqual([`${W} × ${H}`, `${W} × ${H}`]);
    expect(files).toEqual([]);
    await screenshotSettled(page, `${SHOTS}/compare-preview-01-fitted.png`);
  });

  it('switches to the originals at 100% where the rendition lacks pixels, without moving the images', async () => {
    const page = tab.page;
    // Hold the originals, so the zoomed rendition can be seen before the swap however fast the machine is.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await page.route('**/file?**', async (route) => {
      await gate;
      await route.continue().catch(() => {});
    });
    try {
      await page.keyboard.press('=');
      await expect.poll(() => page.getByTestId('compare-zoom').textContent()).toBe('100%');
      await expect.poll(() => files.length).toBe(2);
      const before = await drawn(page);
      for (const pane of before) {
        expect(pane.source).toBe('preview');
        expect([Math.round(pane.rect.width), Math.round(pane.rect.height)]).toEqual([W, H]);
      }
      await screenshotSettled(page, `${SHOTS}/compare-preview-02-100-rendition.png`);
      release();
      await page.locator('.compare[data-originals="true"]').waitFor();
      const after = await drawn(page);
      for (const [i, pane] of after.entries()) {
        expect(pane.source).toBe('file');
        expect(pane.naturalWidth).toBe(W);
        for (const k of ['x', 'y', 'width', 'height'] as const) expect(pane.rect[k]).toBeCloseTo(before[i]!.rect[k], 1);
      }
      await screenshotSettled(page, `${SHOTS}/compare-preview-03-100-original.png`);
    } finally {
      release();
      await page.unrouteAll({ behavior: 'wait' });
    }
    // Back to fit: the originals stay (no smaller rendition fetched again), the panes stay in step.
    await page.keyboard.press('1');
    await expect.poll(() => page.getByTestId('compare-zoom').textContent()).not.toBe('100%');
    expect((await drawn(page)).map((p) => p.source)).toEqual(['file', 'file']);
    page.off('request', onRequest);
    await page.keyboard.press('Escape');
    await page.locator('.compare').waitFor({ state: 'detached' });
  });
});

describeWithBrowser('viewer with large images', () => {
  const viewerImg = (page: Page) => page.locator('.viewer-img');
  const box = async (page: Page) => (await viewerImg(page).boundingBox())!;

  it('fits a rendition sized to the screen, shows a prefetched neighbour at once, and loads the original when zoomed past it', async () => {
    const page = tab.page;
    const files: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/file') files.push(request.url());
    });
    await page.locator('.cell[data-path="/left.jpg"]').dblclick();
    await page.locator('.viewer-img[data-full="true"]').waitFor();
    expect(await viewerImg(page).getAttribute('data-source')).toBe('preview');
    expect(await viewerImg(page).getAttribute('src')).toMatch(/^\/preview\?path=%2Fleft\.jpg&w=(1024|2048)$/);
    // The readout and the caption count the original's pixels.
    expect(await page.locator('.viewer-meta').textContent()).toContain(`${W} × ${H}`);
    const fitted = await box(page);
    // The neighbour's rendition was prefetched and decoded: the step shows it in full at once.
    await expect.poll(() => page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/preview?path=%2Fright.jpg')))).toBe(true);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('.viewer-name').textContent()).toBe('right.jpg');
    await page.locator('.viewer-img[data-full="true"][alt="right.jpg"]').waitFor();
    expect(await viewerImg(page).getAttribute('data-source')).toBe('preview');
    expect(files).toEqual([]);
    // Zoomed past 100% (and the rendition's pixels): the original replaces it in the same box.
    for (let i = 0; i < 8; i++) await page.keyboard.press('=');
    await page.locator('.viewer-img[data-source="file"]').waitFor();
    expect(await viewerImg(page).getAttribute('src')).toMatch(/^\/file\?path=%2Fright\.jpg$/);
    const zoomed = await box(page);
    expect(zoomed.width).toBeGreaterThan(fitted.width * 2);
    expect(await page.locator('.viewer-meta').textContent()).toContain(`${W} × ${H}`);
    await screenshotSettled(page, `${SHOTS}/renditions-viewer-zoomed.png`);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('falls back to the original when the server cannot make a rendition of it', async () => {
    const page = tab.page;
    await page.locator('.cell[data-path="/cut.jpg"]').dblclick();
    await page.locator('.viewer-img[data-full="true"][alt="cut.jpg"]').waitFor();
    expect(await viewerImg(page).getAttribute('data-source')).toBe('file');
    expect(await page.locator('.viewer-error').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });
});
