import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { REQUEST_FAILURES, launchBrowser, openApp, type Tab } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { makeImage } from './helpers/fixtures.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';

/**
 * Culling (issue 12): P / X with auto-advance over 20 images, seen live in a second browser; N to
 * the next unlabeled item with the toolbar's count; a batch flag through PATCH /items.
 */

const SHOTS = process.env.LENSLET_SHOTS ?? '/tmp/shots';
const COUNT = 22;
const name = (i: number) => `shot-${String(i + 1).padStart(2, '0')}.jpg`;
const path = (i: number) => `/cull/${name(i)}`;

let root: string;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  root = await mkdtemp(join(tmpdir(), 'lenslet-e2e-cull-'));
  await mkdir(join(root, 'cull'));
  for (let i = 0; i < COUNT; i++) await makeImage(join(root, 'cull', name(i)), 120 + (i % 3) * 20, 90, i);
  server = await startTestServer(root);
  await waitForIndexed(server);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const openTab = (displayName: string): Promise<Tab> =>
  openApp(browser, server.appUrl('?path=/cull'), { displayName, ignoreConsole: REQUEST_FAILURES });

const cell = (p: Page, i: number) => p.locator(`.cell[data-index="${i}"]`);
const unlabeledText = (p: Page) => p.getByTestId('unlabeled-count').textContent();
const flagBadges = (p: Page, flag: 'Pick' | 'Reject') => p.locator(`[data-testid=cell-flag][aria-label="${flag}"]`).count();

async function flagOf(i: number): Promise<string | null> {
  const res = await fetch(`${server.url}/item?path=${encodeURIComponent(path(i))}`);
  return ((await res.json()) as { flag: string | null }).flag;
}

/** Waits until the keyboard cursor (the one selected cell) is on item `i`. */
async function cursorOn(p: Page, i: number): Promise<void> {
  await expect.poll(() => cell(p, i).getAttribute('aria-selected')).toBe('true');
  await expect.poll(() => p.locator('.cell[aria-selected="true"]').count()).toBe(1);
}

describeWithBrowser('culling with flags (issue 12)', () => {
  it('culls 20 images with P / X and auto-advance; a second browser sees the flags live; N jumps to the unlabeled', async () => {
    const a = await openTab('Ann');
    const b = await openTab('Ben');
    const { page } = a;
    await expect.poll(() => unlabeledText(page)).toBe(`${COUNT} unlabeled`);
    await expect.poll(() => unlabeledText(b.page)).toBe(`${COUNT} unlabeled`);

    // The toggle is remembered in the browser.
    const toggle = page.getByRole('button', { name: 'Auto-advance' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await page.evaluate(() => localStorage.getItem('lenslet.auto-advance'))).toBe('true');

    // The second browser must get every flag through the event stream, not by refetching.
    const refetched: string[] = [];
    b.page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/folders') refetched.push(r.url());
    });

    // 18 in the grid: each key flags the cursor's item and moves the cursor on.
    await cell(page, 0).click();
    await cursorOn(page, 0);
    for (let i = 0; i < 18; i++) {
      await page.keyboard.press(i % 2 === 0 ? 'p' : 'x');
      await cursorOn(page, i + 1);
    }
    // 2 in the viewer: the next image opens after each key.
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBe(path(18));
    await page.keyboard.press('p');
    await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBe(path(19));
    await page.keyboard.press('x');
    await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBe(path(20));
    await page.keyboard.press('Escape');
    await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBeNull();

    // Stored, each with its own version (the viewer's two included).
    for (let i = 0; i < 20; i++) await expect.poll(() => flagOf(i)).toBe(i % 2 === 0 ? 'pick' : 'reject');
    expect(await flagOf(20)).toBeNull();

    // Live in the other browser: badges and the count, with no listing refetched.
    await expect.poll(() => flagBadges(b.page, 'Pick')).toBe(10);
    await expect.poll(() => flagBadges(b.page, 'Reject')).toBe(10);
    await expect.poll(() => unlabeledText(b.page)).toBe('2 unlabeled');
    expect(refetched, 'flags arrived by refetching, not through the event stream').toEqual([]);
    await expect.poll(() => unlabeledText(page)).toBe('2 unlabeled');
    await b.page.screenshot({ path: `${SHOTS}/triage-second-browser.png` });

    // The inspector shows the flag of the selected item and sets it.
    await cell(page, 4).click();
    await cursorOn(page, 4);
    const pick = page.getByRole('button', { name: 'Pick', exact: true });
    await expect.poll(() => pick.getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: 'Reject', exact: true }).getAttribute('aria-pressed')).toBe('false');
    await page.screenshot({ path: `${SHOTS}/triage-grid.png` });

    // N: from item 4, the first unlabeled after it is 20; a star counts as a label.
    await page.keyboard.press('n');
    await cursorOn(page, 20);
    await page.keyboard.press('3');
    await cursorOn(page, 21); // auto-advance after a star key too
    await expect.poll(() => unlabeledText(page)).toBe('1 unlabeled');
    // From the only unlabeled item, N has nowhere else to go; from the start it finds it again.
    await page.keyboard.press('n');
    await cell(page, 0).click();
    await cursorOn(page, 0);
    await page.keyboard.press('n');
    await cursorOn(page, 21);
    await expect.poll(() => unlabeledText(b.page)).toBe('1 unlabeled');

    // A selection is flagged in one batch (PATCH /items), and cleared with U in one more.
    const batches: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PATCH') batches.push(new URL(r.url()).pathname);
    });
    await toggle.click(); // off: a batch stays selected
    await cell(page, 0).click();
    await cell(page, 3).click({ modifiers: ['Shift'] });
    await expect.poll(() => page.locator('.cell[aria-selected="true"]').count()).toBe(4);
    await page.keyboard.press('u');
    for (let i = 0; i < 4; i++) await expect.poll(() => flagOf(i)).toBeNull();
    expect(batches).toEqual(['/items']);
    await expect.poll(() => unlabeledText(b.page)).toBe('5 unlabeled');
    await expect.poll(async () => (await flagBadges(b.page, 'Pick')) + (await flagBadges(b.page, 'Reject'))).toBe(16);

    // The Filter menu shows the picks; the count follows the filter.
    await page.getByTestId('label-filter').click();
    await page.getByRole('button', { name: 'Picks', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('flags')).toBe('pick');
    await expect.poll(() => page.locator('.cell').count()).toBe(8);
    await expect.poll(() => unlabeledText(page)).toBe('0 unlabeled');
    await page.screenshot({ path: `${SHOTS}/triage-filter.png` });
    await page.getByRole('button', { name: 'Unflagged', exact: true }).click();
    await expect.poll(() => page.locator('.cell').count()).toBe(8 + 6);
    await expect.poll(() => unlabeledText(page)).toBe('5 unlabeled');
    await page.keyboard.press('Escape');

    // Remembered across a reload.
    await page.reload();
    await cell(page, 0).waitFor();
    expect(await page.getByRole('button', { name: 'Auto-advance' }).getAttribute('aria-pressed')).toBe('false');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
    // Forty-odd keypresses, each waited for, in two browsers on a shared 2-core machine.
  }, 180_000);
});
