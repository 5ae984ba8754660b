import { mkdir, readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { REQUEST_FAILURES, launchBrowser, openApp, type Tab, screenshotSettled } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { makeGallery, type GalleryFixture } from './helpers/fixtures.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';

const SHOTS = process.env.LENSLET_SHOTS ?? '/tmp/shots';
const A = '/root-01.jpg';
const B = '/root-02.jpg';
const C = '/root-03.jpg';

let fixture: GalleryFixture;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  fixture = await makeGallery();
  server = await startTestServer(fixture.root);
  await waitForIndexed(server);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fixture?.cleanup();
});

function openTab(name: string, query = ''): Promise<Tab> {
  return openApp(browser, server.appUrl(query), { displayName: name, ignoreConsole: REQUEST_FAILURES });
}

async function selectAndCompare(page: Page, paths: string[]): Promise<void> {
  await page.locator(`.cell[data-path="${paths[0]}"]`).click();
  for (const path of paths.slice(1)) await page.locator(`.cell[data-path="${path}"]`).click({ modifiers: ['Control'] });
  await expect.poll(() => page.getByTestId('item-count').textContent()).toContain(`${paths.length} selected`);
  await page.keyboard.press('c');
  await page.locator('.compare[data-painted="true"]').waitFor();
}

const comparedPaths = (page: Page) => new URL(page.url()).searchParams.getAll('compare');
const selectedCells = (page: Page) => page.locator('.cell[aria-selected="true"]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-path')));
const paneStars = (page: Page, path: string) => page.locator(`.compare [data-path="${path}"] [data-testid=compare-stars]`).getAttribute('aria-label');

/**
 * The relative image point (0..1 on each axis) under `offset` from the centre of each pane's
 * stage, read from where the browser actually drew each image.
 */
function pointsUnder(page: Page, offset: { x: number; y: number }): Promise<{ x: number; y: number }[]> {
  return page.locator('.compare-pane').evaluateAll(
    (panes, o) =>
      panes.map((pane) => {
        const stage = pane.querySelector('.compare-stage')!.getBoundingClientRect();
        const img = pane.querySelector('.compare-img')!.getBoundingClientRect();
        const x = stage.left + stage.width / 2 + o.x;
        const y = stage.top + stage.height / 2 + o.y;
        return { x: (x - img.left) / img.width, y: (y - img.top) / img.height };
      }),
    offset,
  );
}

function shot(page: Page, name: string): Promise<void> {
  return screenshotSettled(page, `${SHOTS}/${name}.png`);
}

describeWithBrowser('compare view', () => {
  let ada: Tab;
  let bob: Tab;

  beforeAll(async () => {
    ada = await openTab('Ada');
  });

  afterAll(async () => {
    expect(ada.errors).toEqual([]);
    expect(bob?.errors ?? []).toEqual([]);
  });

  it('opens 3 selected images in thirds with name, dimensions and labels, from C or the toolbar button', async () => {
    const page = ada.page;
    await selectAndCompare(page, [A, B, C]);
    expect(comparedPaths(page)).toEqual([A, B, C]);
    const panes = page.locator('.compare-pane');
    expect(await panes.count()).toBe(3);
    const widths = await panes.evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().width)));
    expect(Math.max(...widths) - Math.min(...widths)).toBeLessThanOrEqual(1);
    expect(await panes.nth(0).locator('.compare-name').textContent()).toBe('root-01.jpg');
    expect(await panes.nth(0).getByTestId('compare-dims').textContent()).toBe('120 × 90');
    expect(await panes.nth(1).getByTestId('compare-dims').textContent()).toBe('90 × 120');
    expect(await paneStars(page, A)).toBe('Unrated');
    await shot(page, 'compare-01-thirds');
    // The toolbar button does the same as C.
    await page.keyboard.press('Escape');
    await page.locator('.compare').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.locator('.compare[data-painted="true"]').waitFor();
    expect(comparedPaths(page)).toEqual([A, B, C]);
  });

  it('syncs a wheel zoom: the same relative image point is under the cursor in every pane', async () => {
    const page = ada.page;
    const offset = { x: 37, y: -23 };
    const before = await pointsUnder(page, offset);
    const stage = await page.locator('.compare-pane').nth(1).locator('.compare-stage').boundingBox();
    await page.mouse.move(stage!.x + stage!.width / 2 + offset.x, stage!.y + stage!.height / 2 + offset.y);
    const width = () => page.locator('.compare-pane').nth(0).locator('.compare-img').evaluate((img) => img.getBoundingClientRect().width);
    const fitted = await width();
    await page.mouse.wheel(0, -400);
    await expect.poll(width).toBeGreaterThan(fitted * 2);
    const after = await pointsUnder(page, offset);
    // The hovered pane kept its point under the cursor, and every other pane shows that point there too.
    expect(after[1]!.x).toBeCloseTo(before[1]!.x, 2);
    expect(after[1]!.y).toBeCloseTo(before[1]!.y, 2);
    for (const p of after) {
      expect(p.x).toBeCloseTo(after[1]!.x, 2);
      expect(p.y).toBeCloseTo(after[1]!.y, 2);
    }
    // A drag pans every pane with the pointer, keeping them in step.
    await page.mouse.down();
    await page.mouse.move(stage!.x + stage!.width / 2 + offset.x - 60, stage!.y + stage!.height / 2 + offset.y + 25, { steps: 4 });
    await page.mouse.up();
    const panned = await pointsUnder(page, { x: offset.x - 60, y: offset.y + 25 });
    for (const p of panned) {
      expect(p.x).toBeCloseTo(after[1]!.x, 2);
      expect(p.y).toBeCloseTo(after[1]!.y, 2);
    }
    await shot(page, 'compare-02-zoomed');
  });

  it('shows 100% with = on the focused pane and fits with 1', async () => {
    const page = ada.page;
    const readout = page.getByTestId('compare-zoom');
    // The pane last dragged in (root-02, 90×120) has the focus.
    expect(await page.locator('.compare-pane.is-focused').getAttribute('data-path')).toBe(B);
    await page.keyboard.press('=');
    await expect.poll(() => readout.textContent()).toBe('100%');
    const natural = await page.locator('.compare-pane').nth(1).locator('.compare-img').evaluate((img) => img.getBoundingClientRect());
    expect([Math.round(natural.width), Math.round(natural.height)]).toEqual([90, 120]);
    await page.keyboard.press('1');
    await expect.poll(() => readout.textContent()).not.toBe('100%');
    const points = await pointsUnder(page, { x: 0, y: 0 });
    for (const p of points) expect(p).toEqual({ x: expect.closeTo(0.5, 2), y: expect.closeTo(0.5, 2) });
  });

  it('rates and flags the focused pane (Tab moves it) through normal writes that a second browser sees live', async () => {
    const page = ada.page;
    bob = await openTab('Bob', `?compare=${A}&compare=${B}&compare=${C}`);
    await bob.page.locator('.compare[data-painted="true"]').waitFor();
    await bob.page.getByTestId('connection-status').filter({ hasText: 'Live' }).waitFor();
    await page.getByTestId('connection-status').filter({ hasText: 'Live' }).waitFor();
    // A click on a pane's caption focuses that pane; Tab moves to the next.
    await page.locator('.compare-pane').nth(0).locator('.compare-head').click();
    await expect.poll(() => page.locator('.compare-pane.is-focused').getAttribute('data-path')).toBe(A);
    await page.keyboard.press('Tab');
    await expect.poll(() => page.locator('.compare-pane.is-focused').getAttribute('data-path')).toBe(B);
    await page.keyboard.press('4');
    await expect.poll(() => paneStars(page, B)).toBe('4 stars');
    await expect.poll(() => paneStars(bob.page, B)).toBe('4 stars');
    // Arrow keys move the focus too; Shift+1 is one star here (1 fits).
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('.compare-pane.is-focused').getAttribute('data-path')).toBe(C);
    await page.keyboard.press('Shift+Digit1');
    await expect.poll(() => paneStars(bob.page, C)).toBe('1 star');
    // P picks the focused pane.
    await page.keyboard.press('p');
    await expect.poll(() => bob.page.locator(`.compare [data-path="${C}"] [data-testid=compare-flag]`).getAttribute('aria-label')).toBe('Picked');
    const sidecar = async (path: string) => ((await (await fetch(`${server.url}/item?path=${encodeURIComponent(path)}`)).json()) as { star: number | null }).star;
    expect(await sidecar(A)).toBeNull();
    expect(await sidecar(B)).toBe(4);
    expect(await sidecar(C)).toBe(1);
    expect(((await (await fetch(`${server.url}/item?path=${encodeURIComponent(C)}`)).json()) as { flag: string | null }).flag).toBe('pick');
    // A flag set elsewhere shows as the pane's badge as it happens.
    const flagged = await fetch(`${server.url}/item?path=${encodeURIComponent(A)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'e2e-compare:1' },
      body: JSON.stringify({ base_version: 1, set_flag: 'reject' }),
    });
    expect(flagged.status).toBe(200);
    await expect.poll(() => page.locator(`.compare [data-path="${A}"] [data-testid=compare-flag]`).getAttribute('aria-label')).toBe('Rejected');
    await shot(bob.page, 'compare-03-rated-in-other-browser');
  });

  it('returns to the grid with the same selection on Esc', async () => {
    const page = ada.page;
    await page.keyboard.press('Escape');
    await page.locator('.compare').waitFor({ state: 'detached' });
    expect(comparedPaths(page)).toEqual([]);
    expect(await selectedCells(page)).toEqual([A, B, C]);
  });

  it('keeps the compared paths in the URL: a reload restores the view, and Esc selects them', async () => {
    const page = ada.page;
    await page.keyboard.press('c');
    await page.locator('.compare[data-painted="true"]').waitFor();
    await page.reload();
    await page.locator('.compare[data-painted="true"]').waitFor();
    expect(comparedPaths(page)).toEqual([A, B, C]);
    expect(await page.locator('.compare-pane .compare-name').allTextContents()).toEqual(['root-01.jpg', 'root-02.jpg', 'root-03.jpg']);
    expect(await paneStars(page, B)).toBe('4 stars');
    await page.keyboard.press('Escape');
    await page.locator('.compare').waitFor({ state: 'detached' });
    await expect.poll(() => selectedCells(page)).toEqual([A, B, C]);
  });

  it('shows two images as an A/B wipe with a divider the keyboard moves', async () => {
    const page = ada.page;
    await selectAndCompare(page, [A, '/root-04.jpg']);
    expect(await page.locator('.compare-pane').count()).toBe(2);
    await page.getByRole('radio', { name: 'A/B wipe' }).click();
    const slider = page.getByRole('slider', { name: 'Wipe position' });
    await slider.waitFor();
    expect(new URL(page.url()).searchParams.get('wipe')).toBe('1');
    expect(await slider.getAttribute('aria-valuenow')).toBe('50');
    await slider.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    expect(await slider.getAttribute('aria-valuenow')).toBe('45');
    // B is drawn only right of the divider.
    const clip = await page.locator('.compare-stage.is-wipe .compare-img').nth(1).evaluate((img) => getComputedStyle(img).clipPath);
    expect(clip).toMatch(/^inset\(0px 0px 0px \d/);
    await page.keyboard.press('Shift+ArrowRight');
    expect(await slider.getAttribute('aria-valuenow')).toBe('55');
    // A drag of the handle moves it too.
    const stage = (await page.locator('.compare-stage.is-wipe').boundingBox())!;
    const handle = (await slider.boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(stage.x + stage.width * 0.25, handle.y + handle.height / 2, { steps: 3 });
    await page.mouse.up();
    expect(Number(await slider.getAttribute('aria-valuenow'))).toBeCloseTo(25, -1);
    await shot(page, 'compare-04-wipe');
  });

  it('downloads "Export comparison" as a PNG of the panes made by the server', async () => {
    const page = ada.page;
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export comparison' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('lenslet-comparison.png');
    const png = await readFile((await file.path())!);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    // Two panes at the taller image's height: 120×90 scaled to 133×100 beside 100×100, with their names under them.
    expect(meta.width!).toBeGreaterThan(233);
    expect(meta.height!).toBeGreaterThan(100);
    await page.keyboard.press('Escape');
    await page.locator('.compare').waitFor({ state: 'detached' });
  });
});
