import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { REQUEST_FAILURES, launchBrowser, openApp, type Tab } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { makeGallery, makeImage, type GalleryFixture } from './helpers/fixtures.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';

const SHOTS = process.env.LENSLET_SHOTS ?? '/tmp/shots';
// The watcher notices within 2 s; the browser refreshes within 300 ms of the event. Generous for a loaded CI box.
const LIVE = { interval: 50, timeout: 15_000 };

let fixture: GalleryFixture;
let server: TestServer;
let browser: Browser;

const cell = (p: Page, path: string) => p.locator(`.cell[data-path="${path}"]`);
const cellPaths = (p: Page) => p.locator('.cell[data-path]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.path ?? ''));
/** The text of what `l` matches now, '' when nothing: a poll must not block on an element that is not there. */
const text = async (l: Locator) => (await l.allTextContents()).join('\n');
/** "5 images" (without the " · 1 selected" that follows when something is selected). */
const count = async (p: Page) => /^[\d,]+ images?/.exec((await p.getByTestId('item-count').textContent()) ?? '')?.[0] ?? '';

async function label(path: string, body: Record<string, unknown>): Promise<void> {
  const item = (await (await fetch(`${server.url}/item?path=${encodeURIComponent(path)}`)).json()) as { version: number };
  const res = await fetch(`${server.url}/item?path=${encodeURIComponent(path)}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', 'idempotency-key': `living:${path}:${item.version}`, 'x-lenslet-user': 'Setup' },
    body: JSON.stringify({ base_version: item.version, ...body }),
  });
  expect(res.status).toBe(200);
}

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: `${SHOTS}/${name}.png` });
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  fixture = await makeGallery();
  server = await startTestServer(fixture.root, { watch: true });
  await waitForIndexed(server);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fixture?.cleanup();
});

describeWithBrowser('a living folder: files moved, added and removed on disk show up in open browsers', () => {
  let ada: Tab;
  let bob: Tab;
  const folder = '/nested';
  const open = (name: string) => openApp(browser, server.appUrl(`?path=${encodeURIComponent(folder)}`), { displayName: name, ignoreConsole: REQUEST_FAILURES });

  beforeAll(async () => {
    await label('/nested/nested-02.jpg', { set_star: 4, add_tags: ['keep'] });
    ada = await open('Ada');
    bob = await open('Bob');
    for (const t of [ada, bob]) await cell(t.page, '/nested/nested-02.jpg').waitFor();
    for (const t of [ada, bob]) await t.page.getByTestId('connection-status').filter({ hasText: 'Live' }).waitFor();
  });

  afterAll(async () => {
    expect(ada.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  it('a labeled file renamed on disk keeps its place, stars and selection under its new name in both browsers', async () => {
    await cell(ada.page, '/nested/nested-02.jpg').click();
    await expect.poll(() => cell(ada.page, '/nested/nested-02.jpg').getAttribute('aria-selected')).toBe('true');
    const before = await cellPaths(bob.page);
    const position = before.indexOf('/nested/nested-02.jpg');

    await rename(join(fixture.root, 'nested', 'nested-02.jpg'), join(fixture.root, 'nested', 'nested-02b.jpg'));

    for (const t of [ada, bob]) {
      await expect.poll(() => cell(t.page, '/nested/nested-02b.jpg').count(), LIVE).toBe(1);
      await expect.poll(() => cell(t.page, '/nested/nested-02.jpg').count()).toBe(0);
      await expect(cell(t.page, '/nested/nested-02b.jpg').locator('.cell-badge').getAttribute('aria-label')).resolves.toBe('4 stars');
    }
    // In place (sorted by name, "nested-02b" sorts where "nested-02" was).
    expect((await cellPaths(bob.page)).indexOf('/nested/nested-02b.jpg')).toBe(position);
    // Ada's selection followed, and her inspector shows the new name with the labels.
    await expect.poll(() => cell(ada.page, '/nested/nested-02b.jpg').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => text(ada.page.locator('.inspector-name')), LIVE).toContain('nested-02b.jpg');
    await expect.poll(() => ada.page.locator('[data-testid=stars] .star.is-on').count()).toBe(4);
    await shot(ada.page, 'living-01-renamed-ada');
    await shot(bob.page, 'living-02-renamed-bob');
  });

  it('the history of the moved file says where it came from', async () => {
    await expect.poll(() => text(ada.page.getByTestId('history')), LIVE).toContain('Moved from /nested/nested-02.jpg');
  });

  it('a file added on disk appears in both grids and the count goes up', async () => {
    const was = await count(bob.page);
    await makeImage(join(fixture.root, 'nested', 'nested-00-new.jpg'), 120, 90, 77);
    for (const t of [ada, bob]) await expect.poll(() => cell(t.page, '/nested/nested-00-new.jpg').count(), LIVE).toBe(1);
    await expect.poll(() => count(bob.page), LIVE).not.toBe(was);
    expect(await count(bob.page)).toBe('6 images');
    // An item added before it in the list did not steal Ada's selection.
    await expect.poll(() => cell(ada.page, '/nested/nested-02b.jpg').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => cell(ada.page, '/nested/nested-00-new.jpg').getAttribute('aria-selected')).toBe('false');
    await shot(bob.page, 'living-03-added');
  });

  it('a file deleted on disk disappears from both grids and from the selection; a viewer on it says so', async () => {
    await cell(bob.page, '/nested/nested-03.jpg').dblclick();
    await bob.page.locator('.viewer').waitFor();
    await rm(join(fixture.root, 'nested', 'nested-03.jpg'));
    await expect.poll(() => bob.page.getByTestId('viewer-removed').count(), LIVE).toBe(1);
    await shot(bob.page, 'living-04-viewer-removed');
    for (const t of [ada, bob]) await expect.poll(() => cell(t.page, '/nested/nested-03.jpg').count(), LIVE).toBe(0);
    await expect.poll(() => count(ada.page), LIVE).toBe('5 images');
    await expect.poll(() => cell(ada.page, '/nested/nested-02b.jpg').getAttribute('aria-selected')).toBe('true');
    await shot(ada.page, 'living-05-removed');
  });

  it('a file moved into another folder leaves this grid and shows up there with its labels', async () => {
    await rename(join(fixture.root, 'nested', 'nested-02b.jpg'), join(fixture.root, 'nested', 'deeper', 'moved.jpg'));
    await expect.poll(() => cell(bob.page, '/nested/nested-02b.jpg').count(), LIVE).toBe(0);
    await expect.poll(() => count(bob.page), LIVE).toBe('4 images');
    const res = await fetch(`${server.url}/item?path=${encodeURIComponent('/nested/deeper/moved.jpg')}`);
    expect(await res.json()).toMatchObject({ star: 4, tags: ['keep'] });
  });
});
