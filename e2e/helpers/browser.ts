import { chromium, type Browser, type Page } from 'playwright-core';

/** Flags that keep the system Chromium quiet and offline in CI (see docs in dependencies.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** A page that fails the test on uncaught errors and console errors (collected, not thrown). */
export async function newPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // The URL says which request failed ("Failed to load resource" alone doesn't).
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url || 'page'})`);
  });
  return { page, errors };
}

/** Number of elements in the document: the windowing budget assertion. */
export function domNodeCount(page: Page): Promise<number> {
  return page.evaluate(() => document.getElementsByTagName('*').length);
}
