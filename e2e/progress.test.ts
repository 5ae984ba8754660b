import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parentPath } from '../src/protocol/paths.js';
import { REQUEST_FAILURES, launchBrowser, newPage, type Tab, screenshotSettled } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { makeGallery, type GalleryFixture } from './helpers/fixtures.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';

const SHOTS = process.env.LENSLET_SHOTS ?? '/tmp/shots';
const PASSWORDS = { ada: 'ada-admin-pass', bob: 'bob-labeler-pass', cy: 'cy-labeler-pass' } as const;
/** `nested/` (5) and `nested/deeper/` (3): the folder the lead splits between bob and cy. */
const ASSIGNED = 8;

let fixture: GalleryFixture;
let server: TestServer;
let browser: Browser;

function shot(page: Page, name: string): Promise<void> {
  return screenshotSettled(page, `${SHOTS}/${name}.png`);
}

/** A person on their own machine, signed in through the API (the sign-in page has its own tests). */
async function signedIn(name: keyof typeof PASSWORDS, query = ''): Promise<Tab> {
  const tab = await newPage(browser, { ignoreConsole: REQUEST_FAILURES });
  const res = await tab.context.request.post(`${server.url}/auth/login`, { data: { username: name, password: PASSWORDS[name] }, headers: { origin: server.url } });
  expect(res.status()).toBe(200);
  await tab.page.goto(server.appUrl(query));
  await tab.page.locator('.cell[data-index="0"]').waitFor();
  return tab;
}

const viewing = (p: Page) => new URL(p.url()).searchParams.get('view');
const myWorkLeft = async (p: Page) => Number((await p.getByTestId('my-work-count').textContent()) ?? 'NaN');

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  fixture = await makeGallery();
  server = await startTestServer(fixture.root, { access: { mode: 'accounts' } });
  await waitForIndexed(server);
  browser = await launchBrowser();
  // The admin through the setup link, then two labelers with passwords: the accounts tests cover
  // the pages that do this; here it is only the cast.
  const ada = await browser.newContext();
  const token = new URL(server.setupUrl!).searchParams.get('token');
  const headers = { origin: server.url };
  expect((await ada.request.post(`${server.url}/auth/setup`, { data: { token, username: 'ada', password: PASSWORDS.ada }, headers })).status()).toBe(200);
  for (const name of ['bob', 'cy'] as const) {
    const res = await ada.request.post(`${server.url}/admin/users`, { data: { name, role: 'labeler', password: PASSWORDS[name] }, headers });
    expect(res.status()).toBe(200);
  }
  await ada.close();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fixture?.cleanup();
});

describeWithBrowser('team progress: a lead assigns a folder, two people work through "My work" side by side', () => {
  let ada: Tab;
  let bob: Tab;
  let cy: Tab;
  const labeled = { bob: [] as string[], cy: [] as string[] };

  afterAll(async () => {
    for (const tab of [ada, bob, cy]) expect(tab?.errors ?? []).toEqual([]);
  });

  it('[PW1] [PW4] shows completion bars in the tree and the Progress panel, and lets the lead assign the folder', async () => {
    ada = await signedIn('ada', '?path=/nested');
    await ada.page.getByRole('progressbar', { name: 'Completion of nested: 0 of 8 labeled' }).waitFor();
    await ada.page.getByRole('tab', { name: 'Progress' }).click();
    const panel = ada.page.getByTestId('progress-panel');
    await expect.poll(() => panel.getByTestId('progress-count').textContent()).toBe(`0 of ${ASSIGNED} labeled`);
    await panel.getByText('Nobody is assigned to this folder.').waitFor();
    await panel.getByLabel('People to assign').fill('bob, cy');
    await panel.getByRole('button', { name: 'Assign' }).click();
    await panel.getByRole('list', { name: 'Assigned to nested' }).getByText('cy').waitFor();
    await shot(ada.page, 'progress-01-lead-assigns');
  });

  it('[PW3] gives each person their share in "My work", which together is the whole folder', async () => {
    bob = await signedIn('bob');
    cy = await signedIn('cy');
    for (const tab of [bob, cy]) await tab.page.getByRole('button', { name: /^My work: \d+ left$/ }).waitFor();
    const [b, c] = [await myWorkLeft(bob.page), await myWorkLeft(cy.page)];
    expect(b + c).toBe(ASSIGNED);
    expect(b).toBeGreaterThan(0);
    expect(c).toBeGreaterThan(0);
    for (const tab of [bob, cy]) await tab.page.getByRole('button', { name: /^My work/ }).click();
    await shot(bob.page, 'progress-02-my-work');
  });

  it('[PW5] shows the lead who is on which item: a badge on the cell and in the inspector', async () => {
    await bob.page.keyboard.press('n');
    await expect.poll(() => viewing(bob.page)).not.toBeNull();
    const item = viewing(bob.page)!;
    await ada.page.getByRole('tab', { name: 'Folders' }).click();
    await ada.page.goto(server.appUrl(`?path=${encodeURIComponent(parentPath(item))}`));
    const cell = ada.page.locator(`.cell[data-path="${item}"]`);
    await cell.getByRole('img', { name: 'bob is on this item' }).waitFor();
    await cell.click();
    await ada.page.getByTestId('item-claim').getByText('bob is on this item').waitFor();
    await shot(ada.page, 'progress-03-claim');
    // The lead's own open item shows to bob in turn; a click elsewhere ends it.
    await ada.page.keyboard.press('Escape');
    await ada.page.getByRole('tab', { name: 'Progress' }).click();
    await ada.page.goto(server.appUrl('?path=/nested'));
    await ada.page.getByTestId('progress-panel').waitFor();
  });

  it('[PW2] [PW3] [PW7] lets both label through their lists with 1 and N, never on the same item, while the lead’s panel counts up', async () => {
    const count = ada.page.getByTestId('progress-panel').getByTestId('progress-count');
    const seen = new Set<string>();
    const step = async (who: 'bob' | 'cy', tab: Tab) => {
      if ((await myWorkLeft(tab.page)) === 0) return false;
      if (viewing(tab.page) === null || labeled[who].includes(viewing(tab.page)!)) {
        const before = viewing(tab.page);
        await tab.page.keyboard.press('n');
        await expect.poll(() => viewing(tab.page)).not.toBe(before);
      }
      const item = viewing(tab.page)!;
      // The rating keys act on the item the inspector shows: wait until it shows this one.
      await tab.page.locator('.inspector-name', { hasText: item.split('/').pop()! }).waitFor();
      await tab.page.keyboard.press('1');
      labeled[who].push(item);
      // The count goes down live: the item left my work.
      await expect.poll(() => tab.page.locator(`.my-work-item[data-path="${item}"]`).count()).toBe(0);
      seen.add((await count.textContent()) ?? '');
      return true;
    };
    for (let round = 0; round < ASSIGNED; round++) {
      const b = await step('bob', bob);
      const c = await step('cy', cy);
      if (round === 1) await shot(ada.page, 'progress-04-lead-live');
      if (!b && !c) break;
    }
    await expect.poll(() => count.textContent()).toBe(`${ASSIGNED} of ${ASSIGNED} labeled`);
    // Counted up as they went, without a reload: more than the first and the last value showed.
    expect(seen.size).toBeGreaterThan(2);
    expect(labeled.bob.filter((p) => labeled.cy.includes(p))).toEqual([]);
    expect(new Set([...labeled.bob, ...labeled.cy]).size).toBe(ASSIGNED);
    for (const tab of [bob, cy]) await expect.poll(() => myWorkLeft(tab.page)).toBe(0);
    await bob.page.getByText('Nothing left: everything assigned to you is labeled.').waitFor();

    const people = ada.page.getByTestId('progress-people');
    await expect.poll(() => people.getByTestId('progress-person-bob').locator('td').first().textContent()).toBe(String(labeled.bob.length));
    await expect.poll(() => people.getByTestId('progress-person-cy').locator('td').last().textContent()).toBe(String(labeled.cy.length));
    await ada.page.getByTestId('activity-feed').getByText('rated ★').first().waitFor();
    await ada.page.getByRole('progressbar', { name: `Completion of nested: ${ASSIGNED} of ${ASSIGNED} labeled` }).first().waitFor();
    await shot(ada.page, 'progress-05-lead-done');
    await shot(bob.page, 'progress-06-my-work-done');
  });

  it('[PW6] opens an item from the activity feed', async () => {
    const last = labeled.cy.at(-1)!;
    const feed = ada.page.getByTestId('activity-feed');
    // The item as the feed names it: its path below the folder on screen.
    await feed.getByRole('button', { name: new RegExp(`^cy rated ★ ${last.slice('/nested/'.length)}`) }).first().click();
    await expect.poll(() => viewing(ada.page)).toBe(last);
  });

  it('[PW2] takes a burst of 504 edits in a handful of refetches, not one per edit', async () => {
    const page = ada.page;
    await page.keyboard.press('Escape');
    await page.goto(server.appUrl('?path=/nested'));
    await page.getByTestId('progress-panel').getByTestId('progress-count').waitFor();
    const paths = [...labeled.bob, ...labeled.cy];
    const stats: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/stats') stats.push(r.postData() ?? '');
    });
    const versions: number[] = [];
    for (const path of paths) versions.push(((await (await ada.context.request.get(`${server.url}/item?path=${encodeURIComponent(path)}`)).json()) as { version: number }).version);
    const started = Date.now();
    const ROUNDS = 63;
    for (let i = 0; i < ROUNDS; i++) {
      // Each round moves every item one version on.
      const res = await ada.context.request.patch(`${server.url}/items`, {
        data: paths.map((path, k) => ({ path, base_version: versions[k]! + i, set_notes: `burst ${i}` })),
        headers: { origin: server.url, 'idempotency-key': `burst-${i}` },
      });
      expect(res.status(), await res.text()).toBe(200);
    }
    const seconds = (Date.now() - started) / 1000;
    // The feed shows the last write of the burst once it has all arrived.
    await page.getByTestId('activity-feed').getByRole('button', { name: /edited notes/ }).first().waitFor();
    await expect.poll(() => page.evaluate(() => document.querySelectorAll('[data-testid=activity-feed] li').length)).toBeGreaterThan(20);
    // One flush a second at most, each refetching the few stats on screen that hold /nested
    // (the panel's, which the tree row shares, and the root's row): far below one per edit.
    const flushes = Math.ceil(seconds) + 2;
    console.info(`burst: ${ROUNDS * paths.length} edits in ${seconds.toFixed(1)} s → ${stats.length} POST /stats from the lead's page`);
    expect(stats.length).toBeLessThanOrEqual(flushes * 3);
  });
});
