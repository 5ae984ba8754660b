import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, type Tab } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';
import { photo, VARIANTS } from '../test/duplicates/near-duplicates.js';

const SHOTS = process.env.LENSLET_SHOTS ?? '/tmp/shots';
const LIVE = { interval: 50, timeout: 15_000 };

let root: string;
let server: TestServer;
let browser: Browser;
let tab: Tab;

async function flagOf(path: string): Promise<string | null> {
  const item = (await (await fetch(`${server.url}/item?path=${encodeURIComponent(path)}`)).json()) as { flag?: string | null };
  return item.flag ?? null;
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  root = await mkdtemp(join(tmpdir(), 'lenslet-e2e-dups-'));
  const files: Record<string, Buffer> = {};
  for (const name of ['chelsea', 'coffee', 'rocket']) {
    const original = photo(`${name}.jpg`);
    files[`${name}.jpg`] = original;
    for (const [variant, { ext, make }] of Object.entries(VARIANTS)) files[`copies/${name}-${variant}.${ext}`] = await make(original);
  }
  for (const name of ['astronaut', 'camera', 'stars-a', 'stars-b']) files[`${name}.jpg`] = photo(`${name}.jpg`);
  for (const [rel, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), bytes);
  }
  server = await startTestServer(root);
  await waitForIndexed(server);
  browser = await launchBrowser();
});

afterAll(async () => {
  await tab?.context.close();
  await browser?.close();
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

describeWithBrowser('Duplicates view', () => {
  it('[DU8] shows groups as rows; one keystroke per group keeps the focused image (pick) and rejects the rest', async () => {
    tab = await openApp(browser, server.appUrl(), { viewport: { width: 1400, height: 900 } });
    const { page } = tab;
    await page.getByRole('tab', { name: 'Duplicates' }).click();
    const rows = page.getByRole('listitem').filter({ has: page.locator('.dups-items') });
    await expect.poll(() => rows.count(), LIVE).toBe(3);
    await expect.poll(() => page.locator('.dups-row').first().locator('.dups-cell img').count(), LIVE).toBe(5);
    await page.screenshot({ path: `${SHOTS}/duplicates.png` });

    const first = page.locator('.dups-row').first();
    const firstPaths = await first.locator('.dups-cell').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
    await page.getByRole('list', { name: 'Duplicate groups' }).focus();
    // Keep the second image of the first group: one key to move, one to keep.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expect.poll(() => flagOf(firstPaths[1]!), LIVE).toBe('pick');
    for (const path of firstPaths.filter((_, i) => i !== 1)) await expect.poll(() => flagOf(path), LIVE).toBe('reject');
    // The focus went on to the next group: K keeps its first (best) image.
    const second = await page.locator('.dups-row').nth(1).locator('.dups-cell').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
    await page.keyboard.press('K');
    await expect.poll(() => flagOf(second[0]!), LIVE).toBe('pick');
    await expect.poll(() => flagOf(second.at(-1)!), LIVE).toBe('reject');
    await expect.poll(() => page.locator('.dups-summary').textContent(), LIVE).toContain('2 reviewed');
    await expect.poll(() => page.getByRole('img', { name: 'Picked' }).count(), LIVE).toBe(2);
    await page.screenshot({ path: `${SHOTS}/duplicates-kept.png` });
    expect(tab.errors).toEqual([]);
  });

  it('[DU9] with an embedding, offers "Group by" it with a similarity threshold; the rows show the weakest link', async () => {
    // Two photos a worker judged near-identical, a third a little less so.
    const put = await fetch(`${server.url}/embeddings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        embedding: 'clip',
        items: [
          { path: '/astronaut.jpg', vector: [1, 0, 0] },
          { path: '/camera.jpg', vector: [0.99, 0.1, 0] },
          { path: '/stars-a.jpg', vector: [0.9, 0.43, 0] },
          { path: '/stars-b.jpg', vector: [0, 0, 1] },
        ],
      }),
    });
    expect(put.status).toBe(200);
    const second = await openApp(browser, server.appUrl(), { viewport: { width: 1400, height: 900 } });
    try {
      const { page } = second;
      await page.getByRole('tab', { name: 'Duplicates' }).click();
      await page.getByRole('combobox', { name: 'Group by' }).selectOption('clip');
      const rows = page.locator('.dups-row');
      await expect.poll(() => rows.count(), LIVE).toBe(1);
      await expect.poll(() => rows.first().locator('.dups-cell').evaluateAll((els) => els.map((e) => e.getAttribute('title')).sort()), LIVE).toEqual(['/astronaut.jpg', '/camera.jpg']);
      await expect.poll(() => rows.first().locator('.dups-dist').textContent(), LIVE).toBe('similarity 0.995');
      // A lower threshold takes the third photo in.
      const slider = page.getByRole('slider', { name: 'Min similarity' });
      await slider.focus();
      for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
      await expect.poll(() => slider.inputValue(), LIVE).toBe('0.9');
      await expect.poll(() => rows.first().locator('.dups-cell').count(), LIVE).toBe(3);
      await page.screenshot({ path: `${SHOTS}/duplicates-by-embedding.png` });
      // Back to the hashes: the photo copies' groups again.
      await page.getByRole('combobox', { name: 'Group by' }).selectOption('pHash');
      await expect.poll(() => rows.count(), LIVE).toBe(3);
      expect(second.errors).toEqual([]);
    } finally {
      await second.context.close();
    }
  });
});
