import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { REQUEST_FAILURES, launchBrowser, newPage, type Tab, screenshotSettled } from './helpers/browser.js';
import { describeWithBrowser } from './helpers/chromium.js';
import { makeGallery, type GalleryFixture } from './helpers/fixtures.js';
import { startTestServer, waitForIndexed, type TestServer } from './helpers/server.js';

const SHOTS = process.env.LENSLET_SHOTS ?? '/tmp/shots';
const PATH = '/root-01.jpg';
const PASSWORDS = { ada: 'ada-admin-pass', bob: 'bob-labeler-pass', vera: 'vera-viewer-pass' } as const;

let fixture: GalleryFixture;
let server: TestServer;
let browser: Browser;

/** A fresh browser context (no cookie): a person on their own machine. 401s are expected here. */
function person(): Promise<Tab> {
  return newPage(browser, { ignoreConsole: REQUEST_FAILURES });
}

async function select(page: Page, path: string) {
  await page.locator(`.cell[data-path="${path}"]`).click();
  await page.locator('.inspector-name', { hasText: path.slice(1) }).waitFor();
}

async function waitForGallery(page: Page) {
  await page.locator('.cell[data-index="0"]').waitFor();
}

const stars = (p: Page) => p.locator('[data-testid=stars] .star.is-on').count();

/** A new password typed twice, then the page's submit button. */
async function choosePassword(page: Page, password: string, submit: string) {
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Repeat the password').fill(password);
  await page.getByRole('button', { name: submit }).click();
}

async function signIn(page: Page, name: string, password: string) {
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Adds a user on the admin page and returns their invite link, read from the page. */
async function invite(page: Page, name: string, role: 'viewer' | 'labeler' | 'admin'): Promise<string> {
  const form = page.getByRole('form', { name: 'Add a user' });
  await form.getByLabel('User name').fill(name);
  await form.getByLabel('Role').selectOption(role);
  await form.getByRole('button', { name: 'Add user' }).click();
  const link = page.getByLabel(`Invite link for ${name}`, { exact: true });
  await link.waitFor();
  return link.inputValue();
}

function shot(page: Page, name: string): Promise<void> {
  return screenshotSettled(page, `${SHOTS}/${name}.png`);
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  fixture = await makeGallery();
  // Loopback, but accounts mode asked for explicitly: what a team server on a LAN address runs.
  server = await startTestServer(fixture.root, { access: { mode: 'accounts' } });
  await waitForIndexed(server);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fixture?.cleanup();
});

describeWithBrowser('a team on one server: setup link, invites, labeling by name, a viewer', () => {
  let ada: Tab;
  let bob: Tab;
  let vera: Tab;
  let bobInvite: string;
  let veraInvite: string;
  let secret: string;

  /** The item as the server has it, read with the admin's API token. */
  async function sidecar(path: string): Promise<{ star: number | null; tags: string[]; updated_by: string | null }> {
    const res = await fetch(`${server.url}/item?path=${encodeURIComponent(path)}`, { headers: { authorization: `Bearer ${secret}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as { star: number | null; tags: string[]; updated_by: string | null };
  }

  afterAll(async () => {
    for (const tab of [ada, bob, vera]) expect(tab?.errors ?? []).toEqual([]);
  });

  it('lets nobody in without a session, and points to the setup link before any account exists', async () => {
    expect(server.setupUrl).toMatch(/\/setup\?token=/);
    const res = await fetch(`${server.url}/folders?path=/`);
    expect(res.status).toBe(401);
    const stranger = await person();
    await stranger.page.goto(server.appUrl());
    await stranger.page.getByText('Open the setup link printed by the server').waitFor();
    await shot(stranger.page, 'teams-01-setup-hint');
    await stranger.context.close();
  });

  it('creates the admin account through the setup link, and opens the gallery signed in', async () => {
    ada = await person();
    await ada.page.goto(server.setupUrl!);
    await ada.page.getByRole('heading', { name: 'Create the admin account' }).waitFor();
    await ada.page.getByLabel('User name').fill('ada');
    await shot(ada.page, 'teams-02-setup');
    await choosePassword(ada.page, PASSWORDS.ada, 'Create the admin account');
    await waitForGallery(ada.page);
    await expect.poll(() => ada.page.getByTestId('user-menu').getAttribute('aria-label')).toBe('Account: ada, admin');
    // The link is one-time.
    const again = await fetch(`${server.url}/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ token: new URL(server.setupUrl!).searchParams.get('token'), username: 'mallory', password: 'mallory-pass' }),
    });
    expect(again.status).toBe(410);
  });

  it('lets the admin invite a labeler and a viewer, and create an API token shown once', async () => {
    await ada.page.getByTestId('user-menu').click();
    await ada.page.getByRole('menuitem', { name: 'Users and tokens' }).click();
    await ada.page.getByRole('heading', { name: 'Users and tokens' }).waitFor();
    bobInvite = await invite(ada.page, 'bob', 'labeler');
    veraInvite = await invite(ada.page, 'vera', 'viewer');
    expect(bobInvite).toMatch(/\/invite\?token=/);
    await ada.page.getByTestId('user-vera').getByText('invite pending').waitFor();
    await shot(ada.page, 'teams-03-admin-users');

    await ada.page.getByRole('tab', { name: 'API tokens' }).click();
    const form = ada.page.getByRole('form', { name: 'Create an API token' });
    await form.getByLabel('Token name').fill('e2e script');
    await form.getByLabel('Role').selectOption('admin');
    await form.getByRole('button', { name: 'Create token' }).click();
    secret = await ada.page.getByLabel('Secret of token e2e script', { exact: true }).inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await ada.page.getByTestId('token-e2e script').waitFor();
    await shot(ada.page, 'teams-04-admin-tokens');

    await ada.page.getByRole('tab', { name: 'Audit' }).click();
    await ada.page.getByRole('cell', { name: 'Created token' }).waitFor();
    await shot(ada.page, 'teams-05-admin-audit');
  });

  it('lets the labeler set a password through the invite and label; the admin sees it live, by name', async () => {
    await ada.page.goto(server.appUrl());
    await waitForGallery(ada.page);
    await select(ada.page, PATH);

    bob = await person();
    await bob.page.goto(bobInvite);
    await bob.page.getByRole('heading', { name: 'Welcome, bob' }).waitFor();
    await shot(bob.page, 'teams-06-invite');
    await choosePassword(bob.page, PASSWORDS.bob, 'Set password and sign in');
    await waitForGallery(bob.page);
    await select(bob.page, PATH);
    await bob.page.getByRole('radio', { name: '4 stars' }).click();
    await bob.page.getByRole('combobox', { name: 'Add a tag' }).fill('cat');
    await bob.page.getByRole('combobox', { name: 'Add a tag' }).press('Enter');
    await bob.page.getByTestId('save-state').filter({ hasText: 'Saved' }).waitFor();

    await expect.poll(() => stars(ada.page)).toBe(4);
    await ada.page.locator('[data-testid=tags] .tag-text', { hasText: 'cat' }).waitFor();
    await ada.page.getByTestId('banner-activity').filter({ hasText: 'bob updated items' }).waitFor();
    await ada.page.getByTestId('history').locator('.history-who', { hasText: 'bob' }).first().waitFor();
    await shot(ada.page, 'teams-07-admin-sees-bob');
    expect(await sidecar(PATH)).toMatchObject({ star: 4, tags: ['cat'], updated_by: 'bob' });
  });

  it('shows the viewer the labels read-only: a View only mark, no inputs, and rating keys that do nothing', async () => {
    vera = await person();
    await vera.page.goto(veraInvite);
    await choosePassword(vera.page, PASSWORDS.vera, 'Set password and sign in');
    await waitForGallery(vera.page);
    await select(vera.page, PATH);
    await vera.page.getByTestId('view-only').waitFor();
    expect(await stars(vera.page)).toBe(4);
    expect(await vera.page.getByRole('radio', { name: '2 stars' }).isDisabled()).toBe(true);
    expect(await vera.page.getByRole('combobox', { name: 'Add a tag' }).count()).toBe(0);
    expect(await vera.page.getByRole('button', { name: 'Remove tag cat' }).count()).toBe(0);
    expect(await vera.page.getByTestId('notes').getAttribute('readonly')).not.toBeNull();
    const writes: string[] = [];
    vera.page.on('request', (r) => {
      if (r.method() === 'PATCH') writes.push(r.url());
    });
    await vera.page.keyboard.press('1');
    await vera.page.keyboard.press('0');
    await shot(vera.page, 'teams-08-viewer');
    // Still what bob set, and nothing was even sent.
    expect(await stars(vera.page)).toBe(4);
    expect(writes).toEqual([]);
    expect(await sidecar(PATH)).toMatchObject({ star: 4 });
  });

  it('on a session that ends mid-work: the sign-in page over the gallery, and the edit saved after signing in again', async () => {
    const path = '/root-02.jpg';
    await select(bob.page, path);
    const keys: string[] = [];
    bob.page.on('request', (r) => {
      if (r.method() === 'PATCH') keys.push(r.headers()['idempotency-key'] ?? '');
    });
    await bob.context.clearCookies();
    await bob.page.getByRole('radio', { name: '2 stars' }).click();
    const dialog = bob.page.getByRole('dialog', { name: 'Your session ended' });
    await dialog.waitFor();
    await shot(bob.page, 'teams-09-session-ended');
    expect((await sidecar(path)).star).toBeNull();
    // A wrong password first: said so, and the edit still waits.
    await signIn(bob.page, 'bob', 'not-his-password');
    await dialog.getByText('Wrong user name or password.').waitFor();
    await signIn(bob.page, 'bob', PASSWORDS.bob);
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(async () => (await sidecar(path)).star).toBe(2);
    // The same write went out again, under the key it had: applied once.
    expect(keys.length).toBe(2);
    expect(keys[1]).toBe(keys[0]);
    expect((await sidecar(path)).updated_by).toBe('bob');
  });

  it('signs a removed user out: the sign-in page on reload, and their password no longer works', async () => {
    const removed = await fetch(`${server.url}/admin/users/vera`, { method: 'DELETE', headers: { authorization: `Bearer ${secret}` } });
    expect(removed.status).toBe(200);
    await vera.page.reload();
    await vera.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signIn(vera.page, 'vera', PASSWORDS.vera);
    await vera.page.getByText('Wrong user name or password.').waitFor();
  });
});
