import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from './chromium.js';

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
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** A browser context's page, with the errors it logged (collected, not thrown). */
export interface Tab {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  /** The name this tab labels under, stored before the app loads. */
  displayName?: string;
  /** Console errors to leave out of `errors`. */
  ignoreConsole?: RegExp;
}

/** Failed and aborted requests, which some tests cause on purpose; the browser logs them as errors. */
export const REQUEST_FAILURES = /Failed to load resource|ERR_FAILED|ERR_INTERNET_DISCONNECTED/;

/** A page in a fresh context that fails the test on uncaught errors and console errors (collected, not thrown). */
export async function newPage(browser: Browser, { viewport = { width: 1280, height: 800 }, displayName, ignoreConsole }: PageOptions = {}): Promise<Tab> {
  const context = await browser.newContext({ viewport });
  if (displayName !== undefined) await context.addInitScript((n) => localStorage.setItem('lenslet.display_name', n), displayName);
  // Every Content-Security-Policy violation becomes a console error, so the app's CSP is checked by
  // every test, including a violation Chrome reports without a console line of its own (one a script caught).
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'an inline source'} at ${e.sourceFile || 'page'}:${e.lineNumber}`);
    });
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error' || ignoreConsole?.test(message.text())) return;
    // The URL says which request failed ("Failed to load resource" alone doesn't).
    errors.push(`console: ${message.text()} (${message.location().url || 'page'})`);
  });
  return { context, page, errors };
}

/** newPage on the app at `url`, once the grid shows its first cell. */
export async function openApp(browser: Browser, url: string, options?: PageOptions): Promise<Tab> {
  const tab = await newPage(browser, options);
  await tab.page.goto(url);
  await tab.page.locator('.cell[data-index="0"]').waitFor();
  return tab;
}

/** Number of elements in the document: the windowing budget assertion. */
export function domNodeCount(page: Page): Promise<number> {
  return page.evaluate(() => document.getElementsByTagName('*').length);
}

/** A screenshot once finite animations (banners fade in) have finished; a spinner or a looping glow never does. */
export async function screenshotSettled(page: Page, path: string): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  await page.screenshot({ path });
}
