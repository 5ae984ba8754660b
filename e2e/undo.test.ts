import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page, Request } from 'playwright-core';
import { REQUEST_FAILURES, launchBrowser, openApp, type Tab, screenshotSettled } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { makeGallery, type GalleryFixture } from './helpers/fixtures.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';

/** Undo, redo and restore (issue 12): src/web/api/sync/SYNC.md UN1…, labels/SPEC.md LV10. */

const SHOTS = process.env.LENSLET_SHOTS ?? '/tmp/shots';
const BIG = 300;

let fixture: GalleryFixture;
let server: TestServer;
let browser: Browser;

function openTab(name: string, query = ''): Promise<Tab> {
  return openApp(browser, server.appUrl(query), { displayName: name, ignoreConsole: REQUEST_FAILURES });
}

async function select(tab: Tab, path: string) {
  await tab.page.locator(`.cell[data-path="${path}"]`).click();
  await tab.page.locator('.inspector-name', { hasText: path.slice(path.lastIndexOf('/') + 1) }).waitFor();
}

interface Labels {
  star: number | null;
  tags: string[];
  notes: string;
  version: number;
}

async function sidecar(path: string): Promise<Labels> {
  const res = await fetch(`${server.url}/item?path=${encodeURIComponent(path)}`);
  return (await res.json()) as Labels;
}

/** Stars of every labeled item under `folder`, from the label export. */
async function starsUnder(folder: string): Promise<(number | null)[]> {
  const res = await fetch(`${server.url}/export?format=json&path=${encodeURIComponent(folder)}`);
  return ((await res.json()) as Labels[]).map((r) => r.star);
}

/** The rating the inspector shows (the checked star: the pointer resting on a star previews another). */
async function stars(p: Page): Promise<number> {
  const checked = p.locator('[data-testid=stars] [role=radio][aria-checked=true]');
  if (!(await checked.count())) return 0;
  return Number(/\d/.exec((await checked.getAttribute('aria-label')) ?? '')?.[0] ?? 0);
}
const tags = (p: Page) => p.locator('[data-testid=tags] .tag-text').allTextContents();

/** Label writes the page sends, with their bodies. */
function recordWrites(page: Page) {
  const writes: { url: string; body: unknown }[] = [];
  const onRequest = (r: Request) => {
    if (r.method() === 'PATCH') writes.push({ url: new URL(r.url()).pathname, body: r.postDataJSON() });
  };
  page.on('request', onRequest);
  return { writes, stop: () => page.off('request', onRequest) };
}

function shot(page: Page, name: string): Promise<void> {
  return screenshotSettled(page, `${SHOTS}/${name}.png`);
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  fixture = await makeGallery({ bigCount: BIG });
  server = await startTestServer(fixture.root);
  await waitForIndexed(server);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fixture?.cleanup();
});

describeWithBrowser('undo, redo and restore', () => {
  it('[UN13] undoes a batch rating of 300 items in one step (one PATCH /items), redoes it, and keeps the step across a reload', async () => {
    const ada = await openTab('Ada', '?path=/big');
    const { page } = ada;
    const undo = page.getByRole('button', { name: 'Undo', exact: true });
    const redo = page.getByRole('button', { name: 'Redo', exact: true });
    expect(await undo.isDisabled()).toBe(true);
    expect(await redo.isDisabled()).toBe(true);

    await page.locator('.cell[data-index="0"]').click();
    await page.keyboard.press('Control+a');
    await page.locator('.inspector-name', { hasText: `${BIG} items selected` }).waitFor();
    await page.keyboard.press('4');
    await expect.poll(async () => (await starsUnder('/big')).filter((s) => s === 4).length, { timeout: 30_000 }).toBe(BIG);
    await expect.poll(() => undo.isEnabled()).toBe(true);

    const sent = recordWrites(page);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await starsUnder('/big')).every((s) => s === null), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => redo.isEnabled()).toBe(true);
    expect(await undo.isDisabled()).toBe(true);
    // The page's request event can reach the test after the server has answered the export.
    await expect.poll(() => sent.writes.map((w) => w.url)).toEqual(['/items']);
    const body = sent.writes[0]!.body as { path: string; base_version: number; set_star: number | null }[];
    expect(body).toHaveLength(BIG);
    expect(body.every((b) => b.set_star === null && b.base_version === 2)).toBe(true);
    await page.locator('.cell[data-index="0"] .cell-badge').waitFor({ state: 'detached' });
    await shot(page, 'undo-01-batch-undone');

    await page.keyboard.press('Control+Shift+Z');
    await expect.poll(async () => (await starsUnder('/big')).filter((s) => s === 4).length, { timeout: 30_000 }).toBe(BIG);
    await expect.poll(() => sent.writes.map((w) => w.url)).toEqual(['/items', '/items']);
    sent.stop();

    // The step survives a reload of the tab.
    await page.reload();
    await page.locator('.cell[data-index="0"]').waitFor();
    await expect.poll(() => undo.isEnabled()).toBe(true);
    await undo.click();
    await expect.poll(async () => (await starsUnder('/big')).every((s) => s === null), { timeout: 30_000 }).toBe(true);
    await shot(page, 'undo-02-after-reload');
    expect(ada.errors).toEqual([]);
    await ada.context.close();
  }, 240_000);

  it('[UN14] an undo after another browser changed the same field shows "Newer change detected", and both choices work', async () => {
    const path = '/root-01.jpg';
    const ada = await openTab('Ada');
    const bob = await openTab('Bob');
    await select(ada, path);
    await select(bob, path);

    // Round 1: Ada rates 4, Bob then rates 2; Ada's undo must not overwrite Bob's 2. She keeps his.
    await ada.page.getByRole('radio', { name: '4 stars' }).click();
    await expect.poll(async () => (await sidecar(path)).star).toBe(4);
    // Bob changes it after seeing Ada's rating (else his own write would be the conflicting one).
    await expect.poll(() => stars(bob.page)).toBe(4);
    await bob.page.getByRole('radio', { name: '2 stars' }).click();
    await expect.poll(() => stars(ada.page)).toBe(2);
    const sent = recordWrites(ada.page);
    await ada.page.keyboard.press('Control+z');
    await ada.page.getByTestId('conflict').waitFor();
    expect(await ada.page.getByTestId('conflict').textContent()).toContain('Newer change detected');
    expect(await ada.page.getByTestId('save-state').textContent()).toBe('Newer change detected');
    expect(sent.writes).toEqual([]);
    expect((await sidecar(path)).star).toBe(2);
    await shot(ada.page, 'undo-03-conflict');
    await ada.page.getByRole('button', { name: 'Keep theirs' }).click();
    await ada.page.getByTestId('conflict').waitFor({ state: 'detached' });
    expect(await stars(ada.page)).toBe(2);
    expect((await sidecar(path)).star).toBe(2);
    expect(sent.writes).toEqual([]);

    // Round 2: Ada rates 5, Bob 1; Ada undoes and applies her change again: back to 2, seen by Bob.
    await ada.page.getByRole('radio', { name: '5 stars' }).click();
    await expect.poll(async () => (await sidecar(path)).star).toBe(5);
    await expect.poll(() => stars(bob.page)).toBe(5);
    await bob.page.getByRole('radio', { name: '1 star', exact: true }).click();
    await expect.poll(() => stars(ada.page)).toBe(1);
    await ada.page.keyboard.press('Control+z');
    await ada.page.getByTestId('conflict').waitFor();
    await ada.page.getByRole('button', { name: 'Apply my changes again' }).click();
    await expect.poll(async () => (await sidecar(path)).star).toBe(2);
    await ada.page.getByTestId('conflict').waitFor({ state: 'detached' });
    await expect.poll(() => stars(bob.page)).toBe(2);
    sent.stop();
    expect(ada.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
    await ada.context.close();
    await bob.context.close();
  }, 240_000);

  it('[UN17] restores a version from the history, seen live in a second browser; history keeps every version', async () => {
    const path = '/root-03.jpg';
    const ada = await openTab('Ada');
    const bob = await openTab('Bob');
    await select(ada, path);
    await select(bob, path);
    await ada.page.getByRole('radio', { name: '3 stars' }).click();
    await ada.page.getByLabel('Add a tag').fill('keep');
    await ada.page.getByLabel('Add a tag').press('Enter');
    await expect.poll(async () => (await sidecar(path)).tags).toEqual(['keep']);
    const good = (await sidecar(path)).version;
    await expect.poll(async () => (await stars(bob.page)) === 3 && JSON.stringify(await tags(bob.page)) === '["keep"]').toBe(true);
    await bob.page.getByRole('radio', { name: '1 star', exact: true }).click();
    await bob.page.getByRole('button', { name: 'Remove tag keep' }).click();
    await bob.page.getByLabel('Add a tag').fill('oops');
    await bob.page.getByLabel('Add a tag').press('Enter');
    await expect.poll(async () => (await sidecar(path)).tags).toEqual(['oops']);
    await expect.poll(() => tags(ada.page)).toEqual(['oops']);
    const before = (await sidecar(path)).version;

    const entry = ada.page.locator(`.history-entry[data-version="${good}"]`);
    await entry.getByRole('button', { name: /^Restore this version/ }).waitFor();
    // The newest version is what the item shows: nothing to restore there.
    expect(await ada.page.locator(`.history-entry[data-version="${before}"] .history-restore`).count()).toBe(0);
    await shot(ada.page, 'undo-04-history');

    const fetched: string[] = [];
    bob.page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/folders') fetched.push(r.url());
    });
    await entry.getByRole('button', { name: /^Restore this version/ }).click();
    await expect.poll(async () => (await stars(bob.page)) === 3 && JSON.stringify(await tags(bob.page)) === '["keep"]', { timeout: 30_000 }).toBe(true);
    expect(fetched, 'the restore reached the other browser by a refetch, not the event stream').toEqual([]);
    expect(await sidecar(path)).toMatchObject({ star: 3, tags: ['keep'], version: before + 1 });
    // History was not rewritten: a new version on top, by Ada, and Bob's versions still there.
    await expect.poll(() => bob.page.locator('.history-entry').first().getAttribute('data-version')).toBe(String(before + 1));
    expect(await bob.page.locator('.history-entry').first().locator('.history-who').textContent()).toBe('Ada');
    expect(await bob.page.locator(`.history-entry[data-version="${before}"]`).count()).toBe(1);
    await shot(bob.page, 'undo-05-restore-seen-live');
    expect(ada.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
    await ada.context.close();
    await bob.context.close();
  }, 240_000);
});
