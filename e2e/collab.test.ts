import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page, Route } from 'playwright-core';
import { REQUEST_FAILURES, launchBrowser, openApp, type Tab, screenshotSettled } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { makeGallery, type GalleryFixture } from './helpers/fixtures.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';

const SHOTS = process.env.LENSLET_SHOTS ?? '/tmp/shots';

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

const stars = (p: Page) => p.locator('[data-testid=stars] .star.is-on').count();
const tags = (p: Page) => p.locator('[data-testid=tags] .tag-text').allTextContents();
const notes = (p: Page) => p.getByTestId('notes').inputValue();
const saveStatus = (p: Page) => p.getByTestId('sync-indicator').locator('[data-status]').getAttribute('data-status');

async function sidecar(path: string): Promise<{ star: number | null; tags: string[]; notes: string; version: number }> {
  const res = await fetch(`${server.url}/item?path=${encodeURIComponent(path)}`);
  return (await res.json()) as { star: number | null; tags: string[]; notes: string; version: number };
}

async function history(path: string): Promise<unknown[]> {
  const res = await fetch(`${server.url}/item/history?path=${encodeURIComponent(path)}&limit=100`);
  return ((await res.json()) as { entries: unknown[] }).entries;
}

/**
 * Waits until `check` holds on `page`, and asserts it came pushed by the event stream: no listing
 * was fetched meanwhile (the polling fallback refetches listings; a reload would too). Whether it
 * came live, not how many milliseconds a loaded machine took, is what is checked.
 */
async function arrivesPushed(page: Page, check: () => Promise<boolean>): Promise<void> {
  const fetched: string[] = [];
  const onRequest = (r: { url(): string }) => {
    if (new URL(r.url()).pathname === '/folders') fetched.push(r.url());
  };
  page.on('request', onRequest);
  try {
    await expect.poll(check, { interval: 10, timeout: 30_000 }).toBe(true);
  } finally {
    page.off('request', onRequest);
  }
  expect(fetched, 'the change arrived by refetching, not through the event stream').toEqual([]);
}

/** Everyone present in the folder, viewing or editing, from the toolbar's "N viewing · M editing". */
async function present(p: Page): Promise<number> {
  const text = (await p.getByTestId('presence').textContent()) ?? '';
  const m = /^(\d+) viewing · (\d+) editing$/.exec(text);
  return m ? Number(m[1]) + Number(m[2]) : -1;
}

/** A screenshot once entry animations (banners fade in over 180 ms) have finished. */
function shot(page: Page, name: string): Promise<void> {
  return screenshotSettled(page, `${SHOTS}/${name}.png`);
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
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

describeWithBrowser('collaborative labeling, two browsers on one server', () => {
  let ada: Tab;
  let bob: Tab;

  beforeAll(async () => {
    ada = await openTab('Ada');
    bob = await openTab('Bob');
  });

  afterAll(async () => {
    expect(ada.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  it('counts both viewers in both browsers', async () => {
    await expect.poll(() => ada.page.getByTestId('presence').textContent()).toBe('2 viewing · 0 editing');
    await expect.poll(() => bob.page.getByTestId('presence').textContent()).toBe('2 viewing · 0 editing');
    await expect.poll(() => ada.page.getByTestId('connection-status').textContent()).toBe('Live');
    await shot(ada.page, 'collab-01-presence');
  });

  it('shows a star, a tag and a note set in one browser in the other as they happen, without reload', async () => {
    const path = '/root-01.jpg';
    await select(ada, path);
    await select(bob, path);

    await ada.page.getByRole('radio', { name: '4 stars' }).click();
    await arrivesPushed(bob.page, async () => (await stars(bob.page)) === 4);

    await ada.page.getByLabel('Add a tag').fill('sunset');
    await ada.page.getByLabel('Add a tag').press('Enter');
    await arrivesPushed(bob.page, async () => (await tags(bob.page)).includes('sunset'));

    await ada.page.getByTestId('notes').fill('Golden hour, keep');
    await ada.page.getByTestId('notes').blur(); // saves at once on blur (while typing: after a pause)
    await arrivesPushed(bob.page, async () => (await notes(bob.page)) === 'Golden hour, keep');

    // The grid in the other browser shows the star too, and the change is attributed.
    await expect.poll(() => bob.page.locator(`.cell[data-path="${path}"] .cell-badge`).textContent()).toBe('★★★★');
    await expect.poll(() => bob.page.getByTestId('banner-activity').textContent()).toBe('Ada updated items in the last 30s');
    await expect.poll(() => bob.page.getByTestId('history').textContent()).toContain('Ada');
    await expect.poll(() => ada.page.getByTestId('save-state').textContent()).toBe('Saved');
    expect(await saveStatus(ada.page)).toBe('saved');
    expect(await sidecar(path)).toMatchObject({ star: 4, tags: ['sunset'], notes: 'Golden hour, keep' });
    await shot(ada.page, 'collab-02-editor-saved');
    await shot(bob.page, 'collab-03-remote-view');
  });

  it('rates the selection with the 0–5 keys', async () => {
    const path = '/root-02.jpg';
    await select(ada, path);
    await ada.page.keyboard.press('3');
    await expect.poll(async () => (await sidecar(path)).star).toBe(3);
    await ada.page.keyboard.press('0');
    await expect.poll(async () => (await sidecar(path)).star).toBeNull();
  });

  it('shows "Newer change detected" on a real conflict, and both actions work', async () => {
    const path = '/root-03.jpg';
    await select(ada, path);
    await select(bob, path);

    // Bob's note is held at the network until Ada's note has landed: his base is then stale.
    const held = holdPatches(bob.page);
    await bob.page.getByTestId('notes').fill('Bob thinks: crop left');
    await bob.page.getByTestId('notes').blur();
    await held.waitForRequest();
    await ada.page.getByTestId('notes').fill('Ada thinks: keep as is');
    await ada.page.getByTestId('notes').blur();
    await expect.poll(async () => (await sidecar(path)).notes).toBe('Ada thinks: keep as is');
    await held.release();

    await bob.page.getByTestId('conflict').waitFor();
    expect(await bob.page.getByTestId('save-state').textContent()).toBe('Newer change detected');
    expect(await bob.page.getByTestId('conflict').textContent()).toContain('Ada thinks: keep as is');
    await shot(bob.page, 'collab-04-conflict');

    // Unrelated events (Ada rating another item) do not clear it.
    await select(ada, '/root-04.jpg');
    await ada.page.getByRole('radio', { name: '2 stars' }).click();
    await expect.poll(async () => (await sidecar('/root-04.jpg')).star).toBe(2);
    // Bob's grid shows the new rating: the event reached his page and was applied.
    await bob.page.locator('.cell[data-path="/root-04.jpg"] .cell-badge[aria-label="2 stars"]').waitFor();
    expect(await bob.page.getByTestId('conflict').count()).toBe(1);

    await bob.page.getByRole('button', { name: 'Apply my changes again' }).click();
    await expect.poll(async () => (await sidecar(path)).notes).toBe('Bob thinks: crop left');
    await bob.page.getByTestId('conflict').waitFor({ state: 'detached' });
    await select(ada, path);
    await expect.poll(() => notes(ada.page)).toBe('Bob thinks: crop left');

    // Second round: this time Bob keeps Ada's version.
    const held2 = holdPatches(bob.page);
    await bob.page.getByTestId('notes').fill('Bob again');
    await bob.page.getByTestId('notes').blur();
    await held2.waitForRequest();
    await ada.page.getByTestId('notes').fill('Ada final');
    await ada.page.getByTestId('notes').blur();
    await expect.poll(async () => (await sidecar(path)).notes).toBe('Ada final');
    await held2.release();
    await bob.page.getByTestId('conflict').waitFor();
    const sentAfter: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) => {
      if (r.method() === 'PATCH') sentAfter.push(r.url());
    };
    bob.page.on('request', onRequest);
    await bob.page.getByRole('button', { name: 'Keep theirs' }).click();
    await expect.poll(() => notes(bob.page)).toBe('Ada final');
    expect(await bob.page.getByTestId('conflict').count()).toBe(0);
    // Saved means nothing of Bob's is queued for this item any more, so nothing can go out later;
    // and nothing went out since he chose theirs.
    await expect.poll(() => saveStatus(bob.page)).toBe('saved');
    bob.page.off('request', onRequest);
    expect(sentAfter).toEqual([]);
    expect((await sidecar(path)).notes).toBe('Ada final');
  });

  it('keeps an edit made while the server is unreachable and saves it exactly once when it is back', async () => {
    const path = '/root-05.jpg';
    await select(bob, path);
    const before = await sidecar(path);
    const historyBefore = (await history(path)).length;
    let attempts = 0;
    let firstKey: string | null = null;
    const keys = new Set<string>();
    let serverDown = true;
    const handler = async (route: Route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      attempts++;
      keys.add(route.request().headers()['idempotency-key'] ?? '');
      firstKey ??= route.request().headers()['idempotency-key'] ?? null;
      if (attempts === 1) {
        // The worst case: the server applied it, but the answer never arrived.
        await route.fetch();
        return route.abort('connectionreset');
      }
      if (serverDown) return route.abort('connectionrefused');
      return route.continue();
    };
    await bob.page.route('**/item?*', handler);
    await bob.page.getByRole('radio', { name: '5 stars' }).click();
    await expect.poll(() => bob.page.getByTestId('save-state').textContent()).toBe('Not saved — retry');
    expect(await saveStatus(bob.page)).toBe('retrying');
    expect(await stars(bob.page)).toBe(5); // the local edit stays on screen
    await shot(bob.page, 'collab-05-not-saved');
    await expect.poll(() => attempts, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    serverDown = false;
    await expect.poll(() => saveStatus(bob.page), { timeout: 30_000 }).toBe('saved');
    await bob.page.unroute('**/item?*', handler);
    const after = await sidecar(path);
    expect(after.star).toBe(5);
    expect(after.version).toBe(before.version + 1);
    expect((await history(path)).length).toBe(historyBefore + 1);
    expect([...keys]).toEqual([firstKey]);
  });

  it('saves an edit queued before a reload', async () => {
    const path = '/root-06.jpg';
    await select(bob, path);
    const block = (route: Route) => (route.request().method() === 'PATCH' ? route.abort('connectionrefused') : route.continue());
    await bob.page.route('**/item?*', block);
    await bob.page.getByLabel('Add a tag').fill('queued-before-reload');
    await bob.page.getByLabel('Add a tag').press('Enter');
    await expect.poll(() => saveStatus(bob.page)).toBe('retrying');
    const stored = await bob.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('lenslet.queue.')));
    expect(stored.length).toBe(1);
    await bob.page.unroute('**/item?*', block);
    const presenceId = () =>
      bob.page.evaluate(
        () => `${localStorage.getItem('lenslet.client_id')}.${sessionStorage.getItem('lenslet.tab_id')}:${sessionStorage.getItem('lenslet.presence_token')}`,
      );
    const idBefore = await presenceId();
    await bob.page.reload();
    await expect.poll(async () => (await sidecar(path)).tags, { timeout: 30_000 }).toEqual(['queued-before-reload']);
    await expect.poll(() => saveStatus(bob.page)).toBe('saved');
    // A reload leaves and re-joins as the same viewer: never a ghost third viewer. The server
    // keeps one presence entry per id and token, so the same pair after the reload cannot count twice.
    expect(await presenceId()).toBe(idBefore);
    await expect.poll(() => present(ada.page)).toBe(2);
    expect(await present(bob.page)).toBe(2);
  });

  it('recovers an event stream stuck CLOSED, polling meanwhile', async () => {
    await select(ada, '/root-02.jpg');
    await select(bob, '/root-02.jpg');
    // The network drops, then the server answers /events with 503s: a plain EventSource would
    // give up for good (readyState CLOSED). The stream must come back by itself.
    const down = (route: Route) => route.fulfill({ status: 503, body: 'down' });
    const streamUrls: string[] = [];
    bob.page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/events') streamUrls.push(r.url());
    });
    await bob.page.route('**/events*', down);
    await bob.context.setOffline(true);
    await expect.poll(() => bob.page.getByTestId('connection-status').textContent()).toBe('Offline');
    await shot(bob.page, 'collab-06-offline');
    await bob.context.setOffline(false);
    await expect.poll(() => bob.page.getByTestId('connection-status').textContent()).toBe('Reconnecting…');
    await shot(bob.page, 'collab-07-reconnecting');
    // While the stream is down for long, light polling keeps what is on screen fresh.
    await ada.page.getByRole('radio', { name: '1 star' }).click();
    await expect.poll(() => stars(bob.page), { timeout: 30_000 }).toBe(1);
    await bob.page.unroute('**/events*', down);
    await expect.poll(() => bob.page.getByTestId('connection-status').textContent(), { timeout: 35_000 }).toBe('Live');
    // Every reconnection resumes from the last event it saw.
    expect(streamUrls.length).toBeGreaterThan(1);
    for (const url of streamUrls) expect(new URL(url).searchParams.get('last_event_id')).toMatch(/^\d+$/);
    // Live again: a change arrives through the stream, without reload.
    await ada.page.getByRole('radio', { name: '3 stars' }).click();
    await arrivesPushed(bob.page, async () => (await stars(bob.page)) === 3);
  });

  it('stops counting a closed browser at once', async () => {
    await expect.poll(() => present(ada.page)).toBe(2);
    await bob.page.close({ runBeforeUnload: true });
    await bob.context.close();
    // Well before the 15 s after which the server forgets a silent viewer: the leave beacon did it.
    const start = performance.now();
    await expect.poll(() => present(ada.page), { timeout: 15_000 }).toBe(1);
    expect(performance.now() - start).toBeLessThan(10_000);
    bob.errors.length = 0;
  });
});

describeWithBrowser('one browser: batch edits, export, error states', () => {
  let cy: Tab;
  const nested = ['/nested/nested-01.jpg', '/nested/nested-02.jpg', '/nested/nested-03.jpg'];

  beforeAll(async () => {
    cy = await openTab('Cy', '?path=/nested');
  });

  afterAll(async () => {
    await cy.context.close();
    expect(cy.errors).toEqual([]);
  });

  it('edits several selected items at once through the batch endpoint', async () => {
    await cy.page.locator(`.cell[data-path="${nested[0]}"]`).click();
    await cy.page.locator(`.cell[data-path="${nested[2]}"]`).click({ modifiers: ['Shift'] });
    await cy.page.locator('.inspector-name', { hasText: '3 items selected' }).waitFor();
    const batch = cy.page.waitForRequest((r) => r.method() === 'PATCH' && new URL(r.url()).pathname === '/items');
    await cy.page.getByRole('radio', { name: '5 stars' }).click();
    const body = (await batch).postDataJSON() as Array<{ path: string; base_version: number; set_star: number }>;
    expect(body.map((b) => [b.path, b.set_star])).toEqual(nested.map((p) => [p, 5]));
    await cy.page.getByLabel('Add a tag').fill('batch');
    await cy.page.getByLabel('Add a tag').press('Enter');
    for (const p of nested) await expect.poll(async () => await sidecar(p)).toMatchObject({ star: 5, tags: ['batch'] });
    await expect.poll(() => saveStatus(cy.page)).toBe('saved');
    // The grid shows each item's stars and tags.
    await expect.poll(() => cy.page.locator(`.cell[data-path="${nested[1]}"] .cell-tag`).allTextContents()).toEqual(['batch']);
    expect(await cy.page.locator(`.cell[data-path="${nested[1]}"] .cell-badge`).textContent()).toBe('★★★★★');
    await shot(cy.page, 'collab-08-batch');
  });

  it('exports the selection with its real tags and notes', async () => {
    await select(cy, nested[1]!);
    await cy.page.getByTestId('notes').fill('exported note, with "quotes"');
    await cy.page.getByTestId('notes').blur();
    await expect.poll(() => saveStatus(cy.page)).toBe('saved');
    const download = cy.page.waitForEvent('download');
    await cy.page.getByTestId('export').getByRole('button', { name: 'JSON' }).click();
    const file = await download;
    const rows = JSON.parse(await streamText(await file.createReadStream())) as Array<{ path: string; tags: string[]; notes: string; star: number }>;
    expect(rows).toEqual([expect.objectContaining({ path: nested[1], tags: ['batch'], notes: 'exported note, with "quotes"', star: 5 })]);
    // With nothing selected, the folder's export (a server download) has every item of it.
    await cy.page.keyboard.press('Escape');
    await cy.page.getByTestId('export').getByText('Export folder').waitFor();
    const folderDownload = cy.page.waitForEvent('download');
    await cy.page.getByTestId('export').getByRole('link', { name: 'CSV' }).click();
    const csv = await streamText(await (await folderDownload).createReadStream());
    // The server's export ends with `missing` (issue 16: labels of files gone from the dataset are kept and marked) and `assignee` (issue 14).
    expect(csv.split('\r\n')[0]).toBe('path,tags,notes,star,flag,metrics,version,updated_at,updated_by,missing,assignee');
    expect(csv).toContain('/nested/nested-02.jpg,"[""batch""]","exported note, with ""quotes""",5,,');
  });

  it('shows a rate limit, then saves once the server lets it', async () => {
    await select(cy, nested[0]!);
    let limited = 0;
    await cy.page.route('**/item?*', (route) => {
      if (route.request().method() !== 'PATCH' || limited++ > 0) return route.continue();
      return route.fulfill({
        status: 429,
        headers: { 'Retry-After': '2', 'content-type': 'application/json' },
        body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests' } }),
      });
    });
    await cy.page.getByRole('radio', { name: '2 stars' }).click();
    await expect.poll(() => cy.page.getByTestId('sync-indicator').textContent()).toContain('Sync paused (rate limit)');
    await shot(cy.page, 'collab-09-rate-limited');
    await expect.poll(async () => (await sidecar(nested[0]!)).star, { timeout: 30_000 }).toBe(2);
    await expect.poll(() => saveStatus(cy.page)).toBe('saved');
    await cy.page.unrouteAll();
  });

  it('marks an invalid update, keeps the local edit, and lets it be discarded', async () => {
    await select(cy, nested[0]!);
    await cy.page.route('**/item?*', (route) =>
      route.request().method() !== 'PATCH'
        ? route.continue()
        : route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'invalid_body', message: 'notes are too long' } }) }),
    );
    await cy.page.getByTestId('notes').fill('this one the server refuses');
    await cy.page.getByTestId('notes').blur();
    await expect.poll(() => cy.page.getByTestId('save-state').textContent()).toBe('Invalid updateDiscard');
    expect(await notes(cy.page)).toBe('this one the server refuses');
    expect(await saveStatus(cy.page)).toBe('error');
    await shot(cy.page, 'collab-10-invalid');
    await cy.page.unrouteAll();
    await cy.page.getByTestId('save-state').getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => notes(cy.page)).toBe('');
    expect(await saveStatus(cy.page)).toBe('saved');
  });

  it('shows "Item missing" on a 404 and drops that item from the selection, keeping the others', async () => {
    const [gone, kept] = ['/nested/nested-04.jpg', '/nested/nested-05.jpg'];
    const goneBefore = await sidecar(gone);
    await cy.page.locator(`.cell[data-path="${gone}"]`).click();
    await cy.page.locator(`.cell[data-path="${kept}"]`).click({ modifiers: ['Shift'] });
    await cy.page.locator('.inspector-name', { hasText: '2 items selected' }).waitFor();
    // As if `gone` had been deleted on the server: its part never reaches it, its slot is not_found.
    await cy.page.route('**/items', async (route) => {
      const request = route.request();
      if (request.method() !== 'PATCH') return route.continue();
      const sent = request.postDataJSON() as Array<{ path: string }>;
      const response = await route.fetch({ postData: JSON.stringify(sent.filter((b) => b.path !== gone)) });
      const { results } = (await response.json()) as { results: unknown[] };
      const missing = { path: gone, status: 'not_found', error: { code: 'not_found', message: 'no such image' } };
      return route.fulfill({ response, json: { results: [missing, ...results] } });
    });
    await cy.page.getByRole('radio', { name: '2 stars' }).click();
    await expect.poll(() => cy.page.locator(`.cell[data-path="${gone}"]`).getAttribute('aria-selected')).toBe('false');
    expect(await cy.page.locator(`.cell[data-path="${kept}"]`).getAttribute('aria-selected')).toBe('true');
    await cy.page.locator('.inspector-name', { hasText: 'nested-05.jpg' }).waitFor();
    await expect.poll(() => cy.page.getByTestId('sync-indicator').locator('[data-status]').textContent()).toBe('Item missing');
    expect(await sidecar(kept)).toMatchObject({ star: 2 });
    expect(await sidecar(gone)).toMatchObject({ star: goneBefore.star, version: goneBefore.version });
    await shot(cy.page, 'collab-10b-missing');
    await cy.page.unrouteAll();
    // Selected again, the item offers to discard the parked edit; so does the toolbar, which also
    // reaches edits of items that are no longer selected or listed.
    await select(cy, gone);
    expect(await cy.page.getByTestId('save-state').textContent()).toBe('Item missingDiscard');
    await select(cy, kept);
    await cy.page.getByTestId('discard-refused').click();
    await expect.poll(() => saveStatus(cy.page)).toBe('saved');
    expect(await cy.page.getByTestId('discard-refused').count()).toBe(0);
  });

  it('saves notes after a pause in typing, without leaving the field', async () => {
    await select(cy, nested[2]!);
    await cy.page.getByTestId('notes').click();
    await cy.page.keyboard.type('typed slowly', { delay: 20 });
    await expect.poll(async () => (await sidecar(nested[2]!)).notes, { timeout: 30_000 }).toBe('typed slowly');
    expect(await cy.page.getByTestId('notes').evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('suggests tags already used in the dataset', async () => {
    await select(cy, '/nested/nested-04.jpg');
    await cy.page.getByLabel('Add a tag').fill('ba');
    await cy.page.getByRole('option', { name: 'batch' }).click();
    await expect.poll(async () => (await sidecar('/nested/nested-04.jpg')).tags).toEqual(['batch']);
  });

  it('rates with the keys in the viewer too', async () => {
    await cy.page.locator('.cell[data-path="/nested/nested-05.jpg"]').dblclick();
    await expect.poll(() => new URL(cy.page.url()).searchParams.get('view')).toBe('/nested/nested-05.jpg');
    await cy.page.keyboard.press('4');
    await expect.poll(async () => (await sidecar('/nested/nested-05.jpg')).star).toBe(4);
    await cy.page.keyboard.press('0');
    await expect.poll(async () => (await sidecar('/nested/nested-05.jpg')).star).toBeNull();
    await cy.page.keyboard.press('Escape');
    await expect.poll(() => new URL(cy.page.url()).searchParams.get('view')).toBeNull();
  });

  it('lets the user set the name that history and activity show', async () => {
    await select(cy, nested[2]!);
    await cy.page.getByTestId('presence').click();
    await cy.page.getByLabel('Your name').fill('Cy Young');
    await shot(cy.page, 'collab-11-display-name');
    await cy.page.getByRole('button', { name: 'Save' }).click();
    expect(await cy.page.evaluate(() => localStorage.getItem('lenslet.display_name'))).toBe('Cy Young');
    const sent = cy.page.waitForRequest((r) => r.method() === 'PATCH');
    await cy.page.getByRole('radio', { name: '1 star' }).click();
    expect((await sent).headers()['x-lenslet-user']).toBe('Cy Young');
    await expect.poll(() => cy.page.getByTestId('history').locator('.history-who').first().textContent()).toBe('Cy Young');
  });

  it('shows metrics progress and new metrics as they arrive', async () => {
    await select(cy, nested[2]!);
    const progress = (percent: number) =>
      fetch(`${server.url}/metrics/progress`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ gallery_id: '/nested', percent, message: 'Computing metrics…' }),
      });
    await progress(42);
    await expect.poll(() => cy.page.getByTestId('banner-progress').textContent()).toBe('Computing metrics… 42%');
    await shot(cy.page, 'collab-12-metrics-progress');
    const res = await fetch(`${server.url}/metrics`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ path: nested[2], metrics: { aesthetic: 0.91 } }] }),
    });
    expect(res.status).toBe(200);
    await expect.poll(() => cy.page.getByTestId('metadata').textContent()).toContain('aesthetic0.910');
    await progress(100);
    await cy.page.getByTestId('banner-progress').waitFor({ state: 'detached' });
  });

  it('turns editing off on "Permission denied"', async () => {
    await select(cy, nested[1]!);
    await cy.page.route('**/item?*', (route) =>
      route.request().method() !== 'PATCH'
        ? route.continue()
        : route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ error: { code: 'read_only', message: 'Permission denied' } }) }),
    );
    await cy.page.getByRole('radio', { name: '3 stars' }).click();
    await cy.page.getByTestId('banner-denied').waitFor();
    expect(await cy.page.getByRole('radio', { name: '1 star' }).isDisabled()).toBe(true);
    expect(await cy.page.getByTestId('notes').isDisabled()).toBe(true);
    await shot(cy.page, 'collab-13-denied');
    // Once permission is back, the kept edit goes out on "retry".
    await cy.page.unrouteAll();
    await cy.page.getByTestId('sync-indicator').getByRole('button', { name: 'Permission denied' }).click();
    await expect.poll(async () => (await sidecar(nested[1]!)).star).toBe(3);
    await expect.poll(() => saveStatus(cy.page)).toBe('saved');
  });
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

describeWithBrowser('star and tag filters', () => {
  const folder = '/Café ☕ & co';
  const cafe = (n: number) => `${folder}/cafe-0${n}.jpg`;

  async function label(path: string, ops: Record<string, unknown>) {
    const current = await sidecar(path);
    const res = await fetch(`${server.url}/item?path=${encodeURIComponent(path)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'idempotency-key': `e2e-filter:${encodeURIComponent(path)}:${current.version}` },
      body: JSON.stringify({ base_version: current.version, ...ops }),
    });
    expect(res.status).toBe(200);
  }

  it('filters by rating (including unrated) and tags, on the server, with the state in the URL', async () => {
    await label(cafe(1), { set_star: 5, add_tags: ['red'] });
    await label(cafe(2), { set_star: 4, add_tags: ['red'] });
    const tab = await openTab('Dee', `?path=${encodeURIComponent(folder)}&stars=5`);
    const cells = () => tab.page.locator('.grid-scroll [data-index]').count();
    const params = () => new URL(tab.page.url()).searchParams;
    try {
      await expect.poll(cells).toBe(1);
      expect(await tab.page.getByTestId('label-filter').textContent()).toBe('5★');
      await tab.page.getByTestId('label-filter').click();
      await tab.page.getByRole('button', { name: 'Unrated' }).click();
      await expect.poll(() => params().get('stars')).toBe('5,0');
      await expect.poll(cells).toBe(3);
      await tab.page.getByRole('button', { name: 'red', exact: true }).click();
      await expect.poll(() => params().getAll('tag')).toEqual(['red']);
      await expect.poll(cells).toBe(1);
      await shot(tab.page, 'collab-14-filters');
      // A reload keeps the filtered view: the state lives in the URL.
      await tab.page.reload();
      await expect.poll(cells).toBe(1);
      expect(await tab.page.locator('.grid-scroll [data-index]').first().getAttribute('data-path')).toBe(cafe(1));
      await tab.page.getByTestId('label-filter').click();
      await tab.page.getByRole('button', { name: 'Clear filters' }).click();
      await expect.poll(cells).toBe(4);
      expect(params().get('stars')).toBeNull();
      expect(params().get('tag')).toBeNull();
    } finally {
      await tab.context.close();
    }
    expect(tab.errors).toEqual([]);
  });

  it('keeps an item my own edit took out of the filter until "Refresh to apply filters"', async () => {
    for (const n of [3, 4]) await label(cafe(n), { set_star: 5, add_tags: ['drift'] });
    const tab = await openTab('Eve', `?path=${encodeURIComponent(folder)}&stars=5&tag=drift`);
    const cells = () => tab.page.locator('.grid-scroll [data-index]').count();
    const refresh = tab.page.getByTestId('filter-refresh');
    try {
      await expect.poll(cells).toBe(2);
      await select(tab, cafe(3));
      await tab.page.getByRole('radio', { name: '3 stars' }).click();
      await refresh.waitFor();
      // It stays while being edited; the count says 2 until the refresh.
      expect(await cells()).toBe(2);
      expect(await tab.page.getByTestId('filter-count').textContent()).toBe('2 of 4');
      expect(await refresh.textContent()).toBe('Refresh to apply filters');
      await shot(tab.page, 'collab-15-refresh-filters');
      // Rated back into the filter: nothing to refresh.
      await tab.page.getByRole('radio', { name: '5 stars' }).click();
      await refresh.waitFor({ state: 'detached' });
      await tab.page.getByRole('radio', { name: '2 stars' }).click();
      await expect.poll(async () => (await sidecar(cafe(3))).star).toBe(2);
      await refresh.click();
      await expect.poll(cells).toBe(1);
      await refresh.waitFor({ state: 'detached' });
      expect(await tab.page.getByTestId('filter-count').textContent()).toBe('1 of 4');
      expect(await tab.page.locator('.grid-scroll [data-index]').first().getAttribute('data-path')).toBe(cafe(4));
    } finally {
      await tab.context.close();
    }
    expect(tab.errors).toEqual([]);
  });
});

describeWithBrowser('read-only server', () => {
  it('says labels are not persisted', async () => {
    const ro = await startTestServer(fixture.root, { noWrite: true });
    try {
      await waitForIndexed(ro);
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(ro.appUrl());
      await page.getByTestId('banner-persist').waitFor();
      expect(await page.getByTestId('banner-persist').textContent()).toContain('Labels are not persisted');
      await page.locator('.cell[data-index="0"]').click();
      await page.getByRole('radio', { name: '2 stars' }).click();
      await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');
      await shot(page, 'collab-15-not-persisted');
      await context.close();
    } finally {
      await ro.close();
    }
  });
});

/** Holds this page's label PATCHes at the network until released. */
function holdPatches(page: Page) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let seen!: () => void;
  const requested = new Promise<void>((r) => (seen = r));
  const handler = async (route: Route) => {
    if (route.request().method() !== 'PATCH') return route.continue();
    seen();
    await gate;
    return route.continue().catch(() => {});
  };
  void page.route('**/item?*', handler);
  return {
    waitForRequest: () => requested,
    release: async () => {
      release();
      await page.unroute('**/item?*', handler);
    },
  };
}
