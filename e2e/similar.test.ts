import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, type Tab } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { makeGallery, type GalleryFixture } from './helpers/fixtures.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';

const SHOTS = process.env.LENSLET_SHOTS ?? '/tmp/shots';

let fixture: GalleryFixture;
let server: TestServer;
let browser: Browser;

/**
 * The gallery's images in fixture order, with the colour seed each was drawn with (fixtures.ts:
 * root 6, nested 5, deeper 3, café 4; colour = seed % 8). Their vectors point at their colour,
 * a little apart, so images of one colour are each other's nearest.
 */
const IMAGES: string[] = [
  ...Array.from({ length: 6 }, (_, i) => `/root-0${i + 1}.jpg`),
  ...Array.from({ length: 5 }, (_, i) => `/nested/nested-0${i + 1}.jpg`),
  ...Array.from({ length: 3 }, (_, i) => `/nested/deeper/deep-0${i + 1}.jpg`),
  ...Array.from({ length: 4 }, (_, i) => `/Café ☕ & co/cafe-0${i + 1}.jpg`),
];
function vectorOf(seed: number): number[] {
  const v = Array.from({ length: 8 }, (_, d) => (d === seed % 8 ? 1 : 0));
  v[(seed + 3) % 8]! += 0.05 * (seed + 1);
  return v;
}

const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}/${name}.png` });
const search = (p: Page) => new URL(p.url()).searchParams;
const cellPaths = (p: Page) => p.locator('.cell[data-path]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  fixture = await makeGallery();
  server = await startTestServer(fixture.root);
  await waitForIndexed(server);
  const res = await fetch(`${server.url}/embeddings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ embedding: 'clip', items: IMAGES.map((path, seed) => ({ path, vector: vectorOf(seed) })) }),
  });
  expect(res.status).toBe(200);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fixture?.cleanup();
});

describeWithBrowser('Find similar', () => {
  let tab: Tab;
  beforeAll(async () => {
    tab = await openApp(browser, server.appUrl('?sub=1'));
  });
  afterAll(() => expect(tab.errors).toEqual([]));

  it('orders the folder by similarity to the selected item, with the score on each cell, and goes back', async () => {
    const p = tab.page;
    const button = p.getByRole('button', { name: 'Find similar' });
    await expect.poll(() => button.isDisabled()).toBe(true);
    await p.locator('.cell[data-path="/root-01.jpg"]').click();
    await expect.poll(() => button.isDisabled()).toBe(false);
    await button.click();
    await expect.poll(() => search(p).get('like')).toBe('/root-01.jpg');
    expect(search(p).get('emb')).toBe('clip');
    await expect.poll(async () => (await cellPaths(p)).length).toBe(IMAGES.length);
    const paths = await cellPaths(p);
    // Itself, then the other two of its colour (seeds 8 and 16), then the rest.
    expect(paths.slice(0, 3)).toEqual(['/root-01.jpg', '/nested/nested-03.jpg', '/Café ☕ & co/cafe-03.jpg']);
    const scores = await p.locator('.cell [data-testid=cell-metric]').allTextContents();
    expect(scores[0]).toBe('1.000');
    expect(scores.map(Number)).toEqual([...scores.map(Number)].sort((a, b) => b - a));
    await expect.poll(() => p.getByTestId('similar-bar').textContent()).toContain('Similar to root-01.jpg');
    await shot(p, 'similar-01-find-similar');

    await p.getByRole('button', { name: 'Back to list' }).click();
    await expect.poll(() => search(p).get('like')).toBeNull();
    await expect.poll(() => p.getByTestId('similar-bar').count()).toBe(0);
  });

  it('Shift+S finds similar to the focused item, scoped to the folder like any view, and saves as a smart folder', async () => {
    const p = tab.page;
    await p.getByRole('treeitem', { name: /nested/ }).first().click();
    await expect.poll(() => search(p).get('path')).toBe('/nested');
    await p.locator('.cell[data-path="/nested/nested-02.jpg"]').click();
    await p.keyboard.press('Shift+S');
    await expect.poll(() => search(p).get('like')).toBe('/nested/nested-02.jpg');
    await expect.poll(async () => (await cellPaths(p))[0]).toBe('/nested/nested-02.jpg');
    const paths = await cellPaths(p);
    expect(paths.every((x) => x?.startsWith('/nested/'))).toBe(true);

    await p.getByRole('button', { name: '+ New', exact: true }).click();
    await p.getByLabel('Smart folder name').fill('Like nested-02');
    await p.getByLabel('Smart folder name').press('Enter');
    await expect.poll(() => p.getByTestId('smart-folder').allTextContents()).toEqual(['Like nested-02']);
    await shot(p, 'similar-02-smart-folder');

    await p.getByRole('button', { name: 'Back to list' }).click();
    await expect.poll(() => search(p).get('like')).toBeNull();
    await p.getByRole('button', { name: 'Like nested-02' }).click();
    await expect.poll(() => search(p).get('like')).toBe('/nested/nested-02.jpg');
    await expect.poll(async () => (await cellPaths(p))[0]).toBe('/nested/nested-02.jpg');
    const views = (await (await fetch(`${server.url}/views`)).json()) as { views: { similar?: unknown }[] };
    expect(views.views[0]!.similar).toEqual({ path: '/nested/nested-02.jpg', embedding: 'clip' });
  });
});
