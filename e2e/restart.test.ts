import { copyFileSync, linkSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FolderSource } from '../src/server/datasets/folder-source.js';
import { startServer, type RunningServer } from '../src/server/index.js';
import { resolveWorkspace } from '../src/server/workspace.js';
import { REQUEST_FAILURES, launchBrowser, openApp, type Tab } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { makeImage } from './helpers/fixtures.js';
import { assertWebBuild } from './helpers/server.js';

/**
 * Issue 9, "Restarts and start-up": a browser with edits queued while the server is down sees it
 * restart on a large folder (20,000 images, hard links) and every edit lands, none parked as
 * "Item missing". The restarted server's indexing is held until the first resent edit has been
 * answered, so the edits are sent while the index holds nothing at all; then 20,000 files are
 * indexed while the rest go out.
 */

const WEB_DIR = resolve(import.meta.dirname, '../dist/web');
const SETS = 20;
const PER_SET = 1000;

let root: string;
let workspaceDir: string;
let server: RunningServer | undefined;
let browser: Browser;
let tab: Tab;

async function serve(port: number, held: boolean): Promise<{ server: RunningServer; release: () => void }> {
  const workspace = resolveWorkspace({ kind: 'folder', path: root }, { dir: workspaceDir });
  const source = await FolderSource.open(root, { skipDirs: [workspace.dir] });
  const start = source.start.bind(source);
  if (held) source.start = () => {};
  const running = await startServer({ dataset: { source, workspace }, port, webDir: WEB_DIR, logger: false });
  return { server: running, release: start };
}

async function sidecar(path: string): Promise<{ star: number | null; tags: string[]; version: number }> {
  const res = await fetch(`${server!.url}/item?path=${encodeURIComponent(path)}`);
  if (res.status !== 200) return { star: null, tags: [], version: -res.status };
  return (await res.json()) as { star: number | null; tags: string[]; version: number };
}

const name = (set: number, i: number) => `/set_${String(set).padStart(2, '0')}/img_${String(i).padStart(4, '0')}.jpg`;
const saveStatus = (p: Page) => p.getByTestId('sync-indicator').locator('[data-status]').getAttribute('data-status');

beforeAll(async () => {
  assertWebBuild();
  root = await mkdtemp(join(tmpdir(), 'lenslet-e2e-restart-'));
  workspaceDir = await mkdtemp(join(tmpdir(), 'lenslet-e2e-restart-ws-'));
  const seed = join(root, 'seed.jpg');
  await makeImage(seed, 64, 48, 2);
  for (let s = 0; s < SETS; s++) {
    mkdirSync(join(root, `set_${String(s).padStart(2, '0')}`));
    for (let i = 0; i < PER_SET; i++) linkSync(seed, join(root, name(s, i).slice(1)));
  }
  copyFileSync(seed, join(root, 'cover.jpg'));
  ({ server } = await serve(0, false));
  await server.source.whenIdle();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
  if (workspaceDir) await rm(workspaceDir, { recursive: true, force: true });
});

describeWithBrowser('a restart with edits queued in the browser', () => {
  it('lands every edit on a restarted server still indexing 20,000 images, none left as missing', async () => {
    tab = await openApp(browser, `${server!.url}/?path=/set_07`, { displayName: 'Dee', ignoreConsole: REQUEST_FAILURES });
    const { page } = tab;
    const port = server!.port;
    const singles = [name(7, 0), name(7, 2), name(7, 4)];
    const batch = [name(7, 5), name(7, 6), name(7, 7)];
    await page.locator(`.cell[data-path="${batch[2]}"]`).waitFor();

    await server!.close();
    server = undefined;
    // Edits made while the server is down: each one queued and retried.
    for (const [n, path] of singles.entries()) {
      await page.locator(`.cell[data-path="${path}"]`).click();
      await page.locator('.inspector-name', { hasText: path.slice(path.lastIndexOf('/') + 1) }).waitFor();
      await page.getByRole('radio', { name: `${n + 2} stars` }).click();
    }
    await page.locator(`.cell[data-path="${batch[0]}"]`).click();
    await page.locator(`.cell[data-path="${batch[2]}"]`).click({ modifiers: ['Shift'] });
    await page.locator('.inspector-name', { hasText: '3 items selected' }).waitFor();
    await page.getByLabel('Add a tag').fill('after-restart');
    await page.getByLabel('Add a tag').press('Enter');
    await expect.poll(() => saveStatus(page)).toBe('retrying');

    // Every answer to an edit from now on: none may say the item is missing, not even for a moment.
    const missing: string[] = [];
    page.on('response', (r) => {
      if (r.request().method() !== 'PATCH') return;
      if (r.status() === 404) missing.push(r.url());
      if (r.status() === 200 && new URL(r.url()).pathname === '/items') {
        void r.json().then((body: { results: { path: string; status: string }[] }) => {
          for (const result of body.results) if (result.status === 'not_found') missing.push(result.path);
        });
      }
    });
    // Back on the same port, indexing held: the first single edit that gets through is saved with
    // the index still empty.
    const answered = page.waitForResponse((r) => r.request().method() === 'PATCH' && new URL(r.url()).pathname === '/item' && r.status() === 200, {
      timeout: 60_000,
    });
    const restarted = await serve(port, true);
    server = restarted.server;
    expect(server.source.catalog.aliveCount).toBe(0);
    await answered;
    expect(server.source.progress().state).toBe('running');
    restarted.release();

    for (const [n, path] of singles.entries()) await expect.poll(async () => (await sidecar(path)).star, { timeout: 60_000 }).toBe(n + 2);
    for (const path of batch) await expect.poll(async () => (await sidecar(path)).tags, { timeout: 60_000 }).toEqual(['after-restart']);
    await expect.poll(() => saveStatus(page), { timeout: 60_000 }).toBe('saved');
    expect(missing).toEqual([]);
    expect(await page.getByText('Item missing').count()).toBe(0);
    expect(await page.getByTestId('discard-refused').count()).toBe(0);

    // Once indexed, the app refreshes what it shows: the grid and the tree's count.
    await server.source.whenIdle();
    expect(server.source.catalog.aliveCount).toBe(SETS * PER_SET + 2);
    await expect.poll(() => page.getByTestId('indexing').count()).toBe(0);
    await expect.poll(() => page.locator(`.cell[data-path="${singles[2]}"] .cell-badge`).textContent()).toBe('★★★★');
    await expect.poll(() => page.locator('.tree-row[data-path="/set_07"]').textContent()).toContain('1,000');
    await tab.context.close();
    expect(tab.errors).toEqual([]);
  }, 180_000);
});
