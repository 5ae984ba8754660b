import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { baseName } from '../src/protocol/paths.js';
import { launchBrowser, newPage, screenshotSettled, type Tab } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { makeGallery, type GalleryFixture } from './helpers/fixtures.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';

/** The Progress panel's activity feed opens with what happened before the page did (PW8, PR11). */

const SHOTS = process.env.LENSLET_SHOTS ?? '/tmp/shots';
/** More than a page (30) of writes, made before anyone opens the app. */
const EARLIER = 34;

let fixture: GalleryFixture;
let server: TestServer;
let browser: Browser;
const tabs: Tab[] = [];

const viewing = (p: Page) => new URL(p.url()).searchParams.get('view');
/** An entry as it reads on screen: who, what, which item, when. */
const read = async (entry: Locator) => (await entry.locator('.pg-feed-who, .pg-feed-what, .pg-feed-name, time').allTextContents()).join(' ');

/** A label write through the API as `user` (local access: the X-Lenslet-User name). */
async function write(path: string, patch: Record<string, unknown>, user: string): Promise<void> {
  const item = (await (await fetch(`${server.url}/item?path=${encodeURIComponent(path)}`)).json()) as { version: number };
  const res = await fetch(`${server.url}/item?path=${encodeURIComponent(path)}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', 'if-match': String(item.version), 'idempotency-key': `earlier-${path}-${item.version}`, 'x-lenslet-user': user },
    body: JSON.stringify(patch),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  fixture = await makeGallery();
  server = await startTestServer(fixture.root);
  await waitForIndexed(server);
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const tab of tabs) expect(tab.errors).toEqual([]);
  await browser?.close();
  await server?.close();
  await fixture?.cleanup();
});

describeWithBrowser('activity feed: the recent changes of a folder, from before the page opened and live', () => {
  let ann: Tab;
  const nested = (i: number) => `/nested/nested-0${i}.jpg`;
  const deep = '/nested/deeper/deep-02.jpg';

  it('[PW8] lists the writes made before the page opened, newest first, with "Show more" for older pages', async () => {
    // Dora rates nested-01…04 over and over; the newest writes are a tag in the subfolder and a pick.
    for (let i = 0; i < EARLIER - 2; i++) await write(nested((i % 4) + 1), { set_star: (i % 5) + 1 }, 'Dora');
    await write(deep, { add_tags: ['blurry'] }, 'Dora');
    await write(nested(1), { set_flag: 'pick' }, 'Eli');

    ann = await newPage(browser, { displayName: 'Ann' });
    tabs.push(ann);
    await ann.page.goto(server.appUrl('?path=/nested'));
    await ann.page.locator('.cell[data-index="0"]').waitFor();
    await ann.page.getByRole('tab', { name: 'Progress' }).click();
    const feed = ann.page.getByRole('list', { name: 'Recent changes' });
    await feed.getByRole('listitem').first().waitFor();
    const entries = feed.getByRole('listitem');
    await expect.poll(() => entries.count()).toBe(30);
    await expect.poll(() => read(entries.nth(0))).toMatch(/^Eli picked nested-01\.jpg/);
    await expect.poll(() => read(entries.nth(1))).toMatch(/^Dora added blurry deeper\/deep-02\.jpg/);
    expect(await read(entries.nth(2))).toMatch(/^Dora ★+ → ★+ nested-0\d\.jpg/);
    await ann.page.getByRole('region', { name: 'Recent changes' }).scrollIntoViewIfNeeded();
    await screenshotSettled(ann.page, `${SHOTS}/activity-01-opened.png`);

    const more = ann.page.getByRole('button', { name: 'Show more' });
    await more.scrollIntoViewIfNeeded();
    await screenshotSettled(ann.page, `${SHOTS}/activity-02-show-more.png`);
    await more.click();
    await expect.poll(() => entries.count()).toBe(EARLIER);
    await expect.poll(() => more.count()).toBe(0);
    // The oldest write: nested-01 rated ★ from nothing.
    expect(await read(entries.last())).toMatch(/^Dora rated ★ nested-01\.jpg/);
  });

  it('[PW6] [PW8] puts a live edit from a second browser on top, once', async () => {
    const bob = await newPage(browser, { displayName: 'Bob' });
    tabs.push(bob);
    await bob.page.goto(server.appUrl('?path=/nested'));
    const item = nested(5);
    await bob.page.locator(`.cell[data-path="${item}"]`).click();
    await bob.page.locator('.inspector-name', { hasText: baseName(item) }).waitFor();
    await bob.page.keyboard.press('3');
    const entries = ann.page.getByRole('list', { name: 'Recent changes' }).getByRole('listitem');
    await expect.poll(() => read(entries.first()), { timeout: 10_000 }).toMatch(/^Bob rated ★★★ nested-05\.jpg/);
    expect(await entries.count()).toBe(EARLIER + 1);
    await entries.first().scrollIntoViewIfNeeded();
    await screenshotSettled(ann.page, `${SHOTS}/activity-03-live.png`);
  });

  it('[PW6] opens the item of an entry from before the page opened', async () => {
    const feed = ann.page.getByRole('list', { name: 'Recent changes' });
    await feed.getByRole('button', { name: /^Dora added blurry deeper\/deep-02\.jpg/ }).click();
    await expect.poll(() => viewing(ann.page)).toBe(deep);
  });
});
