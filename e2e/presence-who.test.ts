import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, type Tab } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { makeGallery, type GalleryFixture } from './helpers/fixtures.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';

/** Issue 10: the toolbar's presence count says who, on hover and on keyboard focus. */

let fixture: GalleryFixture;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
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

describeWithBrowser('who is here', () => {
  let tab: Tab;

  beforeAll(async () => {
    tab = await openApp(browser, server.appUrl(), { displayName: 'Ada' });
  });

  afterAll(async () => {
    expect(tab.errors).toEqual([]);
  });

  it('lists the names present with their status, on focus and on hover; Escape hides the card', async () => {
    const { page } = tab;
    const button = page.getByTestId('presence');
    await expect.poll(() => button.textContent()).toBe('1 viewing · 0 editing');
    // A second person, by script: the heartbeat's name is what others see without sign-in.
    const beat = () =>
      fetch(`${server.url}/presence`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ gallery_id: '/', client_id: 'script-1', status: 'editing', token: 'script-token-1', name: 'Zoë' }),
      });
    expect((await beat()).status).toBe(200);
    await expect.poll(() => button.textContent()).toBe('1 viewing · 1 editing');

    await button.focus();
    const card = page.getByRole('tooltip');
    await expect.poll(() => card.isVisible()).toBe(true);
    expect(await button.getAttribute('aria-describedby')).toBe(await card.getAttribute('id'));
    // Editors first; Ada's own heartbeats carry the name she typed.
    await expect
      .poll(() => card.locator('.presence-person').allInnerTexts())
      .toEqual([expect.stringMatching(/^Zoë\s+editing$/), expect.stringMatching(/^Ada\s+viewing$/)]);
    await page.keyboard.press('Escape');
    await expect.poll(() => card.count()).toBe(0);
    await button.blur();

    await button.hover();
    await expect.poll(() => page.getByRole('tooltip').isVisible()).toBe(true);
    // The pointer can move onto the card to read it.
    await page.getByRole('tooltip').hover();
    expect(await page.getByRole('tooltip').isVisible()).toBe(true);
    await page.mouse.move(5, 400);
    await expect.poll(() => page.getByRole('tooltip').count()).toBe(0);
  });
});
