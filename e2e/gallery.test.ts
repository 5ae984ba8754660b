import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { domNodeCount, launchBrowser, newPage } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { makeGallery, type GalleryFixture } from './helpers/fixtures.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';

const BIG = 3000;
const MANY = 600;

let fixture: GalleryFixture;
let server: TestServer;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  fixture = await makeGallery({ bigCount: BIG, manyDirs: MANY });
  server = await startTestServer(fixture.root);
  await waitForIndexed(server);
  browser = await launchBrowser();
  ({ page, errors } = await newPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fixture?.cleanup();
});

const cells = (p: Page) => p.locator('.grid-scroll [data-index]');
const loadedThumbs = (p: Page) =>
  p.evaluate(() => [...document.querySelectorAll<HTMLImageElement>('.cell-img')].filter((img) => img.complete && img.naturalWidth > 0).length);
const search = (p: Page) => new URL(p.url()).searchParams;

describeWithBrowser('folder gallery', () => {
  it('opens the app and loads the root thumbnails', async () => {
    await page.goto(server.appUrl());
    await expect.poll(() => cells(page).count()).toBe(6);
    await expect.poll(() => loadedThumbs(page)).toBe(6);
    expect(await page.getByTestId('item-count').textContent()).toContain('6 images');
    // subfolders are offered both in the tree and above the grid
    await page.locator('.tree-row[data-path="/nested"]').waitFor();
    expect(await page.locator('.folder-chip').count()).toBe(4);
  });

  it('navigates folders with the tree, by mouse and keyboard', async () => {
    await page.locator('.tree-row[data-path="/nested"]').click();
    await expect.poll(() => search(page).get('path')).toBe('/nested');
    await expect.poll(() => cells(page).count()).toBe(5);
    expect(await page.locator('.crumb.is-current').textContent()).toBe('nested');

    // the opened folder is expanded; → on it steps into its child, Enter opens it
    const tree = page.getByRole('tree', { name: 'Folders' });
    await page.locator('.tree-row[data-path="/nested/deeper"]').waitFor();
    await tree.focus();
    // rows: / · big · Café ☕ & co · many · nested · nested/deeper; the cursor starts on the open folder
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Home');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => search(page).get('path')).toBe('/nested/deeper');
    await expect.poll(() => cells(page).count()).toBe(3);

    // Backspace in the grid goes to the parent
    await page.locator('.grid-scroll').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Backspace');
    await expect.poll(() => search(page).get('path')).toBe('/nested');
  });

  it('opens folders whose names have spaces, non-ASCII and reserved characters', async () => {
    await page.locator(`.tree-row[data-path="${fixture.paths.unicode}"]`).click();
    await expect.poll(() => search(page).get('path')).toBe(fixture.paths.unicode);
    expect(page.url()).toContain('path=/Caf%C3%A9%20%E2%98%95%20%26%20co');
    await expect.poll(() => cells(page).count()).toBe(4);
    await expect.poll(() => loadedThumbs(page)).toBe(4);
  });

  it('opens the viewer, steps next and previous, and closes with Esc', async () => {
    await cells(page).first().dblclick();
    const viewer = page.getByRole('dialog');
    await viewer.waitFor();
    await expect.poll(() => search(page).get('view')).toBe(`${fixture.paths.unicode}/cafe-01.jpg`);
    await page.locator('.viewer-img[data-full="true"]').waitFor();
    expect(await page.locator('.viewer-name').textContent()).toBe('cafe-01.jpg');
    // small images are never upscaled at fit
    expect(await page.getByTestId('zoom-readout').textContent()).toBe('100%');

    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('.viewer-name').textContent()).toBe('cafe-02.jpg');
    await page.keyboard.press('d');
    await expect.poll(() => page.locator('.viewer-name').textContent()).toBe('cafe-03.jpg');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.locator('.viewer-name').textContent()).toBe('cafe-02.jpg');
    await page.locator('.viewer-img[data-full="true"]').waitFor();

    // wheel zooms around the cursor (×1.2 a notch, up to 800%), drag pans, the readout fits again
    const stage = await page.locator('.viewer-stage').boundingBox();
    await page.mouse.move(stage!.x + stage!.width / 2 + 40, stage!.y + stage!.height / 2);
    for (let i = 0; i < 20; i++) await page.mouse.wheel(0, -100);
    await expect.poll(() => page.getByTestId('zoom-readout').textContent()).toBe('800%');
    const before = await page.locator('.viewer-img').boundingBox();
    await page.mouse.down();
    await page.mouse.move(stage!.x + stage!.width / 2 - 60, stage!.y + stage!.height / 2 + 30, { steps: 4 });
    await page.mouse.up();
    const after = await page.locator('.viewer-img').boundingBox();
    expect(after!.x - before!.x).toBeCloseTo(-100, 0);
    expect(after!.y - before!.y).toBeCloseTo(30, 0);
    await expect.poll(() => page.getByRole('dialog').count()).toBe(1);
    await page.getByTestId('zoom-readout').click();
    await expect.poll(() => page.getByTestId('zoom-readout').textContent()).toBe('100%');
    await page.mouse.move(stage!.x + stage!.width / 2, stage!.y + stage!.height / 2);
    for (let i = 0; i < 40; i++) await page.mouse.wheel(0, 100);
    await expect.poll(() => page.getByTestId('zoom-readout').textContent()).toBe('5%');

    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    expect(search(page).get('view')).toBeNull();
    expect(search(page).get('path')).toBe(fixture.paths.unicode);
    // the cursor stays on the image that was open
    expect(await page.locator('.cell.is-focused').getAttribute('data-index')).toBe('1');
  });

  it('shows the thumbnail at once and swaps in the decoded full image without a jump', async () => {
    // Hold the original until the thumbnail stage has been checked, so every stage is observable
    // however fast or slow the machine is. (The spinner's 150 ms grace is Spinner's unit test.)
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let requested!: () => void;
    const fileRequested = new Promise<void>((r) => (requested = r));
    await page.route('**/file?**', async (route) => {
      requested();
      await gate;
      await route.continue().catch(() => {});
    });
    // A fresh page: the earlier tests' viewer prefetched (and decoded) its neighbours, and a
    // prefetched image is shown in full at once, with no thumbnail stage to observe.
    await page.reload();
    await cells(page).nth(3).waitFor();
    try {
      await cells(page).nth(3).dblclick();
      const img = page.locator('.viewer-img');
      await img.waitFor();
      await fileRequested;
      expect(await img.getAttribute('data-full')).toBe('false');
      expect(await img.getAttribute('src')).toMatch(/^blob:/);
      const thumbBox = await img.boundingBox();
      // while the original is on its way, a spinner says so
      await page.locator('.viewer-spinner [role="status"]').waitFor();
      release();
      await page.locator('.viewer-img[data-full="true"]').waitFor();
      expect(await img.getAttribute('src')).toMatch(/^\/file\?/);
      const fullBox = await img.boundingBox();
      expect(Math.abs(fullBox!.width - thumbBox!.width)).toBeLessThanOrEqual(1);
      expect(Math.abs(fullBox!.height - thumbBox!.height)).toBeLessThanOrEqual(1);
      expect(await page.locator('.viewer-spinner').count()).toBe(0);
    } finally {
      release();
      // Waits for the held requests' handlers: unrouting under them left "Route is already handled" rejections.
      await page.unrouteAll({ behavior: 'wait' });
    }
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('closes the viewer with the browser Back button', async () => {
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.goBack();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(search(page).get('path')).toBe(fixture.paths.unicode);
  });

  it('restores folder, sort and viewer from the URL after a reload', async () => {
    await page.getByLabel('Sort by').selectOption('added');
    await expect.poll(() => search(page).get('sort')).toBe('added');
    await cells(page).nth(2).dblclick();
    await page.getByRole('dialog').waitFor();
    const view = search(page).get('view');
    expect(view).toMatch(/^\/Café ☕ & co\/cafe-0\d\.jpg$/);

    await page.reload();
    await page.locator('.viewer-img[data-full="true"]').waitFor();
    expect(await page.locator('.viewer-name').textContent()).toBe(view!.split('/').pop());
    expect(await page.getByLabel('Sort by').inputValue()).toBe('added');
    expect(await page.locator('.tree-row.is-active').getAttribute('data-path')).toBe(fixture.paths.unicode);
    expect(await page.locator('.viewer-meta').textContent()).toContain('3 of 4');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(search(page).get('view')).toBeNull();
    expect(search(page).get('sort')).toBe('added');
  });

  it('selects with click, shift-click, ctrl-click and the keyboard', async () => {
    await page.goto(server.appUrl('?path=/nested'));
    await expect.poll(() => cells(page).count()).toBe(5);
    const selected = () =>
      page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.cell.is-selected')].map((el) => Number(el.dataset.index)).sort());
    await cells(page).nth(1).click();
    expect(await selected()).toEqual([1]);
    await cells(page).nth(3).click({ modifiers: ['Shift'] });
    expect(await selected()).toEqual([1, 2, 3]);
    await cells(page).nth(0).click({ modifiers: ['Control'] });
    expect(await selected()).toEqual([0, 1, 2, 3]);
    await cells(page).nth(2).click({ modifiers: ['Control'] });
    expect(await selected()).toEqual([0, 1, 3]);
    // arrows and WASD move the cursor (and the selection with it); shift extends
    await page.keyboard.press('ArrowRight');
    expect(await selected()).toEqual([3]);
    await page.keyboard.press('a');
    expect(await selected()).toEqual([2]);
    await page.keyboard.press('Shift+d');
    await page.keyboard.press('Shift+d');
    expect(await selected()).toEqual([2, 3, 4]);
    await page.keyboard.press('Home'); // not a grid key: nothing changes
    expect(await selected()).toEqual([2, 3, 4]);
    await page.keyboard.press('Escape');
    expect(await selected()).toEqual([]);
    expect(await page.locator('.cell.is-focused').getAttribute('data-index')).toBe('4');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.viewer-name').textContent()).toBe('nested-05.jpg');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('searches the current folder’s subtree', async () => {
    await page.goto(server.appUrl('?path=/nested'));
    await expect.poll(() => cells(page).count()).toBe(5);
    await page.keyboard.press('/');
    await page.keyboard.type('deep');
    await expect.poll(() => search(page).get('q')).toBe('deep');
    await expect.poll(() => cells(page).count()).toBe(3);
    expect(await page.getByTestId('item-count').textContent()).toContain('3 matches');
    // typing in the search box never triggers grid shortcuts
    await page.keyboard.press('Backspace');
    expect(search(page).get('path')).toBe('/nested');
  });

  it('sorts randomly by a seed kept in the URL, and shuffles', async () => {
    const order = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.grid-scroll [data-index]')]
          .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
          .map((el) => el.dataset.path ?? ''),
      );
    await page.goto(server.appUrl('?path=/big'));
    await expect.poll(() => page.getByTestId('item-count').textContent()).toContain('3,000 images');
    const byName = await order();
    await page.getByLabel('Sort by').selectOption('random');
    await expect.poll(() => search(page).get('sort')).toBe('random');
    const seed = search(page).get('seed');
    expect(seed).toMatch(/^\d+$/);
    // The grid is empty for a moment while the shuffled listing loads: wait for it to fill, not just to differ.
    await expect
      .poll(async () => {
        const shown = await order();
        return shown.length > 0 && shown.join() !== byName.join();
      })
      .toBe(true);
    const shuffled = await order();

    await page.reload();
    await expect.poll(async () => (await order()).join()).toBe(shuffled.join());

    await page.getByRole('button', { name: 'Shuffle' }).click();
    await expect.poll(() => search(page).get('seed')).not.toBe(seed);
    await expect.poll(async () => (await order()).join()).not.toBe(shuffled.join());
  });

  it('cancels queued thumbnail requests when leaving a folder', async () => {
    await page.goto(server.appUrl('?path=/nested'));
    await expect.poll(() => cells(page).count()).toBe(5);
    // big thumbnails: many cells on screen, so the queue is deep when we leave
    await page.getByLabel('Thumbnail size').fill('100');
    const bigThumbs: string[] = [];
    const bigSettled: string[] = [];
    const isBigThumb = (r: { url(): string }) => {
      const url = new URL(r.url());
      return url.pathname === '/thumb' && Boolean(url.searchParams.get('path')?.startsWith('/big/'));
    };
    page.on('request', (r) => {
      if (isBigThumb(r)) bigThumbs.push(r.url());
    });
    const settle = (r: { url(): string }) => {
      if (isBigThumb(r)) bigSettled.push(r.url());
    };
    page.on('requestfinished', settle);
    page.on('requestfailed', settle);
    await page.locator('.tree-row[data-path="/big"]').click();
    await expect.poll(() => bigThumbs.length).toBeGreaterThan(0);
    await page.locator('.tree-row[data-path="/nested"]').click();
    await expect.poll(() => cells(page).count()).toBe(5);
    const atLeave = bigThumbs.length;
    // Once nothing is in flight any more, count: a queue left running would have kept starting
    // requests as earlier ones finished; a cancelled one sent only what was already in flight (≤ 6).
    await expect.poll(() => bigThumbs.length - bigSettled.length).toBe(0);
    expect(bigThumbs.length - atLeave).toBeLessThanOrEqual(6);
    expect(await page.evaluate(() => document.querySelectorAll('.grid-scroll [data-path^="/big/"]').length)).toBe(0);
  });

  it('resizes thumbnails with Ctrl+wheel, keeping the size across reloads', async () => {
    const slider = page.getByLabel('Thumbnail size');
    const before = Number(await slider.inputValue());
    const grid = await page.locator('.grid-scroll').boundingBox();
    await page.mouse.move(grid!.x + 200, grid!.y + 200);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -100);
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    await expect.poll(async () => Number(await slider.inputValue())).toBe(before + 40);
    await page.reload();
    await expect.poll(async () => Number(await page.getByLabel('Thumbnail size').inputValue())).toBe(before + 40);
  });

  it('windows a 3000-image folder: few DOM nodes, bounded thumbnail requests', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const isThumb = (url: string) => new URL(url).pathname === '/thumb';
    page.on('request', (r) => {
      if (isThumb(r.url())) maxInFlight = Math.max(maxInFlight, ++inFlight);
    });
    const done = (r: { url(): string }) => {
      if (isThumb(r.url())) inFlight--;
    };
    page.on('requestfinished', done);
    page.on('requestfailed', done);

    await page.goto(server.appUrl('?path=/big'));
    await expect.poll(() => page.getByTestId('item-count').textContent()).toContain('3,000 images');
    await expect.poll(() => loadedThumbs(page), { timeout: 30_000 }).toBeGreaterThan(20);
    const rendered = await cells(page).count();
    expect(rendered).toBeGreaterThan(20);
    expect(rendered).toBeLessThan(400);
    expect(await domNodeCount(page)).toBeLessThan(3000);

    // jump to the end: later windows are fetched, and the DOM stays small
    await page.locator('.grid-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator(`[data-index="${BIG - 1}"][data-path]`).waitFor({ timeout: 30_000 });
    expect(await domNodeCount(page)).toBeLessThan(3000);
    expect(maxInFlight).toBeLessThanOrEqual(6);

    // select everything, then clear
    await cells(page).last().click();
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.getByTestId('item-count').textContent()).toContain('3,000 selected');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('item-count').textContent()).not.toContain('selected');
  });

  it('steps the viewer across a window boundary, waiting for the next window', async () => {
    // The window after the boundary is held until the step has been asked for.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await page.route('**/folders?**', async (route) => {
      if (new URL(route.request().url()).searchParams.get('offset') === '500') await gate;
      await route.continue().catch(() => {});
    });
    try {
      await page.goto(server.appUrl('?path=/big&view=/big/big-00499.jpg'));
      await expect.poll(() => page.locator('.viewer-meta').textContent()).toContain('500 of 3,000');
      await page.keyboard.press('ArrowRight');
      release();
      await expect.poll(() => page.locator('.viewer-name').textContent(), { timeout: 30_000 }).toBe('big-00500.jpg');
      expect(await page.locator('.viewer-meta').textContent()).toContain('501 of 3,000');
    } finally {
      release();
      await page.unrouteAll({ behavior: 'wait' });
    }
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('opens a deep link to an item far beyond the first window, with its position', async () => {
    await page.goto(server.appUrl('?path=/big&view=/big/big-02000.jpg'));
    // The position comes with the `around` window: on a loaded machine that takes more than the default 1 s.
    await expect.poll(() => page.locator('.viewer-meta').textContent(), { timeout: 30_000 }).toContain('2,001 of 3,000');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.locator('.viewer-name').textContent()).toBe('big-01999.jpg');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('returns to the same scroll position when going Back to a folder', async () => {
    await page.goto(server.appUrl('?path=/big'));
    await expect.poll(() => page.getByTestId('item-count').textContent()).toContain('3,000 images');
    const grid = page.locator('.grid-scroll');
    // The grid records its position on the scroll event: wait for that event, and for the
    // windows at the new position, before leaving.
    await grid.evaluate(
      (el) =>
        new Promise<void>((resolve) => {
          el.addEventListener('scroll', () => resolve(), { once: true });
          el.scrollTop = 5000;
        }),
    );
    await expect.poll(() => page.locator('.grid-scroll .cell:not([data-path])').count()).toBe(0);
    await expect.poll(() => grid.evaluate((el) => el.scrollTop)).toBe(5000);
    await page.locator('.tree-row[data-path="/nested"]').click();
    await expect.poll(() => cells(page).count()).toBe(5);
    expect(await grid.evaluate((el) => el.scrollTop)).toBe(0);
    await page.goBack();
    await expect.poll(() => search(page).get('path')).toBe('/big');
    await expect.poll(() => grid.evaluate((el) => el.scrollTop)).toBe(5000);
  });

  it('does not pull the view back to the selection when later windows arrive', async () => {
    await page.goto(server.appUrl('?path=/big'));
    await expect.poll(() => page.getByTestId('item-count').textContent()).toContain('3,000 images');
    await cells(page).first().click();
    const grid = page.locator('.grid-scroll');
    const far = await grid.evaluate((el) => (el.scrollTop = Math.floor(el.scrollHeight * 0.6)));
    // the windows around the new position load and re-lay out the grid: every cell on screen is real
    await expect.poll(() => page.locator('.grid-scroll .cell:not([data-path])').count(), { timeout: 30_000 }).toBe(0);
    expect(Math.abs((await grid.evaluate((el) => el.scrollTop)) - far)).toBeLessThan(400);
  });

  it('keeps a folder of 600 subfolders cheap in the tree', async () => {
    await page.goto(server.appUrl('?path=/many'));
    await page.locator('.tree-row[data-path="/many/dir-0000"]').waitFor();
    const rows = await page.locator('.tree-row').count();
    expect(rows).toBeGreaterThan(10);
    expect(rows).toBeLessThan(80);
    expect(await domNodeCount(page)).toBeLessThan(3000);
    // End reaches the last folder (rendered on demand), Enter opens it
    await page.getByRole('tree', { name: 'Folders' }).focus();
    await page.keyboard.press('End');
    await page.locator('.tree-row.is-focused[data-path="/nested"]').waitFor();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect.poll(() => search(page).get('path')).toBe(`/many/dir-${String(MANY - 1).padStart(4, '0')}`);
  });

  it('had no page errors', () => {
    expect(errors).toEqual([]);
  });
});
