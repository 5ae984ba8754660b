import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { REQUEST_FAILURES, launchBrowser, openApp, type Tab } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { makeGallery, type GalleryFixture } from './helpers/fixtures.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';

const SHOTS = process.env.LENSLET_SHOTS ?? '/tmp/shots';
const N = 200;

let fixture: GalleryFixture;
let server: TestServer;
let browser: Browser;

/** aesthetic = i/199 (3 decimals), missing for every 20th item from 7; sharpness spread 0–9.9. */
function aesthetic(i: number): number | undefined {
  return i % 20 === 7 ? undefined : Math.round((i / (N - 1)) * 1000) / 1000;
}
const bigPath = (i: number) => `/big/big-${String(i).padStart(5, '0')}.jpg`;

async function putMetrics(items: Array<{ path: string; metrics: Record<string, number> }>): Promise<void> {
  for (let i = 0; i < items.length; i += 50) {
    const res = await fetch(`${server.url}/metrics`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: items.slice(i, i + 50) }),
    });
    expect(res.status).toBe(200);
  }
}

function openTab(query: string): Promise<Tab> {
  return openApp(browser, server.appUrl(query), { ignoreConsole: REQUEST_FAILURES });
}

const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}/${name}.png` });
const gridTotal = async (p: Page) => Number(await p.locator('.grid-scroll').getAttribute('data-total'));
const search = (p: Page) => new URL(p.url()).searchParams;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  fixture = await makeGallery({ bigCount: N });
  server = await startTestServer(fixture.root);
  await waitForIndexed(server);
  const items = [];
  for (let i = 0; i < N; i++) {
    const a = aesthetic(i);
    items.push({ path: bigPath(i), metrics: { ...(a !== undefined ? { aesthetic: a } : {}), sharpness: ((i * 37) % 100) / 10 } });
  }
  await putMetrics(items);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fixture?.cleanup();
});

const shownCards = (p: Page) => p.locator('[data-testid=metric-card]').evaluateAll((els) => els.map((e) => e.getAttribute('data-metric')));

describeWithBrowser('metrics panel, metric sort and smart folders', () => {
  let ada: Tab;
  let bob: Tab;

  beforeAll(async () => {
    ada = await openTab('?path=/big');
    bob = await openTab('?path=/big');
  });

  afterAll(async () => {
    expect(ada.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  it('brushing a histogram filters the grid on the server (count and cells), with a chip', async () => {
    const p = ada.page;
    expect(await gridTotal(p)).toBe(N);
    await p.getByRole('tab', { name: 'Metrics' }).click();
    const card = p.locator('[data-testid=metric-card][data-metric=aesthetic]');
    if (!(await card.count())) await p.getByLabel('Show a metric').selectOption('aesthetic');
    await expect.poll(() => card.getByTestId('metric-counts').textContent()).toBe(`Population ${N - 10}Filtered ${N - 10}`);
    const chart = card.getByTestId('histogram');
    const box = (await chart.boundingBox())!;
    await p.mouse.move(box.x + box.width * 0.76, box.y + box.height / 2);
    await p.mouse.down();
    await p.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2, { steps: 4 });
    // While dragging: the bounds and counts follow the brush live; nothing is committed yet.
    await expect.poll(() => card.getByLabel('Min').inputValue()).toBe('0.75');
    expect(await card.getByLabel('Max').inputValue()).toBe('0.925');
    expect(search(p).getAll('m')).toEqual([]);
    expect(await gridTotal(p)).toBe(N);
    await shot(p, 'metrics-00-brushing');
    await p.mouse.move(box.x + box.width + 20, box.y + box.height / 2, { steps: 4 });
    await p.mouse.up();
    // The brush snaps to whole bins: 30..39 of 40 over [0, 1] is [0.75, 1].
    await expect.poll(() => search(p).getAll('m')).toEqual(['aesthetic:0.75:1']);
    let expected = 0;
    for (let i = 0; i < N; i++) {
      const a = aesthetic(i);
      if (a !== undefined && a >= 0.75 && a <= 1) expected++;
    }
    await expect.poll(() => gridTotal(p)).toBe(expected);
    // Every cell on screen (the grid is virtualized) is in the range.
    const inRange = new Set<string>();
    for (let i = 0; i < N; i++) if ((aesthetic(i) ?? -1) >= 0.75) inRange.add(bigPath(i));
    await expect.poll(async () => {
      const paths = await p.locator('.cell[data-path]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')!));
      return paths.length > 0 && paths.length <= expected && paths.every((x) => inRange.has(x));
    }).toBe(true);
    await expect.poll(() => card.getByTestId('metric-counts').textContent()).toBe(`Population ${N - 10}Filtered ${expected}`);
    expect(await card.getByLabel('Min').inputValue()).toBe('0.75');
    expect(await card.getByLabel('Max').inputValue()).toBe('1');
    await expect.poll(() => p.getByTestId('filter-chips').locator('.filter-pill').allTextContents()).toEqual(['aesthetic 0.75–1']);
    expect(await p.getByTestId('filter-count').textContent()).toBe(`${expected} of ${N}`);
    await shot(p, 'metrics-01-brushed');

    // A second metric at once: typed bounds, Enter commits.
    await p.getByLabel('Show a metric').selectOption('sharpness');
    const sharp = p.locator('[data-testid=metric-card][data-metric=sharpness]');
    await sharp.getByLabel('Max').fill('4.95');
    await sharp.getByLabel('Max').press('Enter');
    await expect.poll(() => search(p).getAll('m')).toEqual(['aesthetic:0.75:1', 'sharpness::4.95']);
    let both = 0;
    for (let i = 0; i < N; i++) {
      const a = aesthetic(i);
      if (a !== undefined && a >= 0.75 && ((i * 37) % 100) / 10 <= 4.95) both++;
    }
    await expect.poll(() => gridTotal(p)).toBe(both);
    await shot(p, 'metrics-02-two-ranges');

    // The state is in the URL: a reload shows the same filtered grid.
    await p.reload();
    await expect.poll(() => gridTotal(p)).toBe(both);
    // Chip × drops one clause; Clear all drops the rest.
    await p.getByRole('button', { name: 'Remove filter sharpness ≤ 4.95' }).click();
    await expect.poll(() => gridTotal(p)).toBe(expected);
    await p.getByRole('button', { name: 'Clear all' }).click();
    await expect.poll(() => gridTotal(p)).toBe(N);
    expect(search(p).getAll('m')).toEqual([]);
  });

  it('"Include subfolders" widens the scope of the grid and the histogram', async () => {
    const p = ada.page;
    await p.goto(server.appUrl('?m=aesthetic:0.75:1'));
    await p.getByRole('tab', { name: 'Metrics' }).click();
    // The root folder holds no image with the metric: nothing matches, and the histogram is empty.
    await expect.poll(() => gridTotal(p)).toBe(0);
    const card = p.locator('[data-testid=metric-card][data-metric=aesthetic]');
    await expect.poll(() => card.textContent()).toContain('No values in this folder');
    await p.getByText('Include subfolders').click();
    await expect.poll(() => search(p).get('sub')).toBe('1');
    await expect.poll(() => gridTotal(p)).toBe(48);
    await expect.poll(() => card.getByTestId('metric-counts').textContent()).toBe(`Population ${N - 10}Filtered 48`);
    await expect.poll(() => p.getByTestId('filter-chips').locator('.filter-pill').allTextContents()).toEqual(['Including subfolders', 'aesthetic 0.75–1']);
    await shot(p, 'metrics-02b-subfolders');
    await p.getByRole('button', { name: 'Clear all' }).click();
    await expect.poll(() => search(p).toString()).toBe('');
    await p.goto(server.appUrl('?path=/big'));
    await p.locator('.cell[data-index="0"]').waitFor();
  });

  it('star filters from the Filter menu go through the same path and show chips', async () => {
    const p = ada.page;
    const item = `${server.url}/item?path=${encodeURIComponent(bigPath(3))}`;
    const { version } = (await (await fetch(item)).json()) as { version: number };
    const res = await fetch(item, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'e2e-star-1' },
      body: JSON.stringify({ base_version: version, tags: ['keep'], notes: '', star: 5 }),
    });
    expect(res.status).toBe(200);
    await p.getByTestId('label-filter').click();
    await p.getByRole('button', { name: '★★★★★' }).click();
    await p.keyboard.press('Escape');
    await expect.poll(() => search(p).get('stars')).toBe('5');
    await expect.poll(() => gridTotal(p)).toBe(1);
    await expect.poll(() => p.getByTestId('filter-chips').locator('.filter-pill').allTextContents()).toEqual(['Rating 5★']);
    await shot(p, 'metrics-03-star-chip');
    // A search keeps the filters applied (POST /query with a text clause).
    const box = p.getByRole('searchbox');
    await box.fill('big-00004');
    await expect.poll(() => search(p).get('q')).toBe('big-00004');
    await expect.poll(() => gridTotal(p)).toBe(0);
    await box.fill('big-00003');
    await expect.poll(() => search(p).get('q')).toBe('big-00003');
    await expect.poll(() => gridTotal(p)).toBe(1);
    await box.fill('');
    await expect.poll(() => search(p).get('q')).toBeNull();
    await p.getByRole('button', { name: 'Clear all' }).click();
    await expect.poll(() => gridTotal(p)).toBe(N);
  });

  it('sorting by a metric shows each value on its cell, highest first, missing values last', async () => {
    const p = ada.page;
    await p.getByLabel('Sort by').selectOption('metric:aesthetic');
    await expect.poll(() => search(p).get('sort')).toBe('metric:aesthetic');
    await expect.poll(() => p.locator('.cell[data-index="0"] [data-testid=cell-metric]').textContent()).toBe('1');
    expect(await p.locator('.cell[data-index="1"] [data-testid=cell-metric]').textContent()).toBe('0.995');
    await p.locator('.cell[data-index="1"]').click();
    await shot(p, 'metrics-04-sorted');
    // Ascending: the lowest first; the 10 items without the metric still come last.
    await p.getByRole('button', { name: /Descending; switch to ascending/ }).click();
    await expect.poll(() => p.locator('.cell[data-index="0"] [data-testid=cell-metric]').textContent()).toBe('0');
    const res = await fetch(`${server.url}/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/big', recursive: false, offset: N - 10, limit: 10, sort: { key: 'metric:aesthetic', order: 'asc' } }),
    });
    const tail = (await res.json()) as { items: Array<{ metrics?: Record<string, number> }> };
    expect(tail.items.every((i) => i.metrics?.aesthetic === undefined)).toBe(true);
  });

  it('a new metric value updates the cell in place and the histogram, without reload', async () => {
    const p = ada.page;
    const first = await p.locator('.cell[data-index="0"]').getAttribute('data-path');
    await putMetrics([{ path: first!, metrics: { aesthetic: 0.5, sharpness: 1 } }]);
    await expect.poll(() => p.locator(`.cell[data-path="${first}"] [data-testid=cell-metric]`).textContent()).toBe('0.5');
    await p.getByRole('tab', { name: 'Metrics' }).click();
    const card = p.locator('[data-testid=metric-card][data-metric=aesthetic]');
    // The population's minimum moved from 0 to 0.005: the histogram was refetched.
    await expect.poll(() => card.locator('.metric-axis span').first().textContent(), { timeout: 30_000 }).toBe('0.005');
  });

  it('a smart folder saved in one browser appears in the other at once, and restores scope, filters and sort', async () => {
    const p = ada.page;
    await p.goto(server.appUrl('?path=/big&sort=metric:aesthetic&m=aesthetic:0.5:'));
    await p.locator('.cell[data-index="0"]').waitFor();
    const total = await gridTotal(p);
    // The panel's cards are saved too: a second one beyond the range's own.
    await p.getByRole('tab', { name: 'Metrics' }).click();
    if (!(await p.locator('[data-testid=metric-card][data-metric=sharpness]').count())) await p.getByLabel('Show a metric').selectOption('sharpness');
    const cards = await shownCards(p);
    expect(cards).toContain('sharpness');
    await p.getByRole('tab', { name: 'Folders' }).click();
    await p.getByRole('button', { name: '+ New', exact: true }).click();
    await p.getByLabel('Smart folder name').fill('Best of big');
    await shot(p, 'metrics-05a-smart-folder-form');
    await p.getByLabel('Smart folder name').press('Enter');
    await expect.poll(() => p.getByTestId('smart-folder').allTextContents()).toEqual(['Best of big']);
    await expect.poll(() => p.locator('.smart-row.is-active').count()).toBe(1);
    await shot(p, 'metrics-05-smart-folder');

    const q = bob.page;
    await q.getByRole('tab', { name: 'Folders' }).click();
    await expect.poll(() => q.getByTestId('smart-folder').allTextContents(), { timeout: 30_000 }).toEqual(['Best of big']);
    await q.getByRole('button', { name: 'Best of big' }).click();
    await expect.poll(() => search(q).get('sort')).toBe('metric:aesthetic');
    expect(search(q).getAll('m')).toEqual(['aesthetic:0.5:']);
    await expect.poll(() => gridTotal(q)).toBe(total);
    await expect.poll(() => q.locator('.smart-row.is-active').count()).toBe(1);
    await q.getByRole('tab', { name: 'Metrics' }).click();
    await expect.poll(() => shownCards(q)).toEqual(cards);
    await q.getByRole('tab', { name: 'Folders' }).click();

    // Bob renames it; Ada sees the new name. Concurrent saves from both both survive (409 → merge).
    await q.locator('.smart-row').hover();
    await q.getByRole('button', { name: 'Rename Best of big' }).click();
    await q.getByLabel('Smart folder name').fill('Top half');
    await q.getByLabel('Smart folder name').press('Enter');
    await expect.poll(() => p.getByTestId('smart-folder').allTextContents(), { timeout: 30_000 }).toEqual(['Top half']);
    await p.getByRole('button', { name: '+ New', exact: true }).click();
    await q.getByRole('button', { name: '+ New', exact: true }).click();
    await p.getByLabel('Smart folder name').fill('From Ada');
    await q.getByLabel('Smart folder name').fill('From Bob');
    await Promise.all([p.getByLabel('Smart folder name').press('Enter'), q.getByLabel('Smart folder name').press('Enter')]);
    for (const page of [p, q]) {
      await expect.poll(async () => (await page.getByTestId('smart-folder').allTextContents()).sort(), { timeout: 30_000 }).toEqual(['From Ada', 'From Bob', 'Top half']);
    }
    // A smart folder made while the other browser shows the Metrics tab is there when it comes back.
    await p.getByRole('tab', { name: 'Metrics' }).click();
    await q.getByRole('button', { name: '+ New', exact: true }).click();
    await q.getByLabel('Smart folder name').fill('While away');
    await q.getByLabel('Smart folder name').press('Enter');
    await expect.poll(async () => (await q.getByTestId('smart-folder').allTextContents()).length).toBe(4);
    await p.getByRole('tab', { name: 'Folders' }).click();
    await expect.poll(async () => (await p.getByTestId('smart-folder').allTextContents()).sort(), { timeout: 30_000 }).toEqual(['From Ada', 'From Bob', 'Top half', 'While away']);
    await q.locator('.smart-row', { hasText: 'While away' }).hover();
    await q.getByRole('button', { name: 'Delete While away' }).click();
    // Delete: gone in both.
    await q.locator('.smart-row', { hasText: 'From Ada' }).hover();
    await q.getByRole('button', { name: 'Delete From Ada' }).click();
    await expect.poll(async () => (await p.getByTestId('smart-folder').allTextContents()).sort(), { timeout: 30_000 }).toEqual(['From Bob', 'Top half']);
    await shot(q, 'metrics-06-smart-folders-bob');
  });
});
