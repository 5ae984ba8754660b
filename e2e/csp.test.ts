import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPage, type Tab } from './helpers/browser.js';
import { makeGallery, type GalleryFixture } from './helpers/fixtures.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';

let fixture: GalleryFixture;
let server: TestServer;
let browser: Browser;
let tab: Tab;

beforeAll(async () => {
  fixture = await makeGallery();
  server = await startTestServer(fixture.root, { ogPreview: true });
  await waitForIndexed(server);
  browser = await launchBrowser();
  tab = await newPage(browser, { displayName: 'Csp' });
});

afterAll(async () => {
  await tab?.context.close();
  await browser?.close();
  await server?.close();
  await fixture?.cleanup();
});

describe('the built app under its Content-Security-Policy', () => {
  it('is served with the policy and the og: tags', async () => {
    const response = await tab.page.goto(server.appUrl('?path=/nested'));
    const headers = response!.headers();
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
    expect(await tab.page.locator('meta[property="og:image"]').count()).toBe(1);
  });

  it('browses, shows a full image, saves a note and exports the selection with nothing blocked', async () => {
    const { page } = tab;
    await page.locator('.cell[data-index="0"] .cell-img').waitFor();
    await page.locator('.cell[data-index="0"]').dblclick();
    await page.locator('.viewer-img[data-full="true"]').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.locator('.cell[data-index="1"]').click();
    await page.locator('.inspector-name', { hasText: 'nested-02' }).waitFor();
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.status() === 200);
    await page.getByTestId('notes').fill('=HYPERLINK("http://evil.example")');
    await page.getByTestId('notes').blur();
    await saved;
    const download = page.waitForEvent('download');
    await page.getByTestId('export').getByRole('button', { name: 'CSV' }).click();
    await download;
    expect(tab.errors).toEqual([]);
  });

  it('would report a violation: an injected inline script is blocked and collected', async () => {
    await tab.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.head.append(script);
    });
    await expect.poll(() => tab.errors.some((e) => e.includes('CSP violation: script-src'))).toBe(true);
    expect(await tab.page.evaluate(() => (window as { injected?: boolean }).injected)).toBeUndefined();
    tab.errors.length = 0;
  });
});
