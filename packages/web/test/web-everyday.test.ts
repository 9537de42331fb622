/**
 * The everyday web messenger in Chromium, as a person uses it: a multi-line
 * composer with the full 16,384-character limit and a clear refusal beyond
 * it; unread counts in the list and the tab title; notifications that say
 * only "New message" unless the person adds the name, and a sound toggle;
 * errors in plain words (no such account, mistyped id, wrong passphrase);
 * renaming and deleting contacts; Signal's safety-number layout; "forgot
 * passphrase — start over"; and a refusal to run outside a secure context.
 * Screenshots of these screens go to test-artifacts/.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MAX_TEXT_LENGTH } from '@tacet/client';
import { ACCOUNT_ID_BYTES, formatAccountId } from '@tacet/wire';
import type { Page } from 'playwright-core';
import { expect, it, vi } from 'vitest';
import { recordAnnouncements, shownNotifications } from './support/announcements.js';
import { WEB_DIR } from './support/build-dist.js';
import { twoPeopleInChromium } from './support/two-people.js';
import type { WebPerson } from './support/web-person.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const web = twoPeopleInChromium();

const ARTIFACTS = resolve(WEB_DIR, '..', '..', 'test-artifacts');
const shot = async (page: Page, name: string) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
};

/** Sends and waits until the message is on the sender's screen. */
async function sendAndSee(p: WebPerson, text: string): Promise<void> {
  await p.send(text);
  await p.message(text).waitFor();
}

const shown = (p: WebPerson) => shownNotifications(p.page);

it('adding a contact says what is wrong in plain words: no such account, a mistyped id, a known id', async () => {
  const { alice, bob } = web;
  const form = alice.page.getByRole('form', { name: 'Add a contact' });
  const tryAdd = async (id: string, name: string) => {
    await alice.page.getByLabel('Their id').fill(id);
    await alice.page.getByLabel('Name (only you see it)').fill(name);
    await alice.page.getByRole('button', { name: 'Add contact' }).click();
  };
  await tryAdd(formatAccountId(randomBytes(ACCOUNT_ID_BYTES)), 'ghost');
  await form
    .getByRole('alert')
    .getByText(/^No such account: nobody on this server has the id/)
    .waitFor();
  const typo = `${bob.id.slice(0, -1)}${bob.id.endsWith('a') ? 'b' : 'a'}`;
  await tryAdd(typo, 'bob');
  await form
    .getByRole('alert')
    .getByText(/looks mistyped/)
    .waitFor();
  expect(await form.getByRole('alert').textContent()).not.toMatch(/check character|accountId/);
  expect(await alice.page.locator('[data-contact]').count()).toBe(0);

  await alice.addContact(bob.id, 'bob');
  await bob.addContact(alice.id, 'alice');
  await tryAdd(bob.id, 'robert');
  await form
    .getByRole('alert')
    .getByText(/already in your contacts as "bob"/)
    .waitFor();
  expect(await alice.page.locator('[data-contact]').count()).toBe(1);
});

it('Enter sends, Shift+Enter breaks the line; 16,384 characters go through, more are refused with a reason', async () => {
  const { alice, bob } = web;
  await alice.openChat('bob');
  const box = alice.page.getByLabel('Message to bob');
  await box.click();
  await alice.page.keyboard.type('first line');
  await alice.page.keyboard.press('Shift+Enter');
  await alice.page.keyboard.type('second line');
  await alice.page.keyboard.press('Enter');
  await bob.openChat('alice');
  const multi = bob.message('first line');
  await multi.waitFor();
  expect(await multi.locator('.body').textContent()).toBe('first line\nsecond line');

  // A 100 KiB paste is kept whole in the box, counted, and refused: nothing is cut or sent.
  await box.fill('x'.repeat(100 * 1024));
  await alice.page
    .getByTestId('too-long')
    .getByText(/102,400 characters long; .* at most 16,384/)
    .waitFor();
  expect(await alice.page.getByTestId('counter').textContent()).toBe('102,400 / 16,384');
  expect(await alice.page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
  await box.press('Enter');
  expect((await box.inputValue()).length).toBe(100 * 1024);
  await shot(alice.page, 'web-composer-too-long');

  const longest = `${'long message '.repeat(2000).slice(0, MAX_TEXT_LENGTH - 3)}end`;
  await box.fill(longest);
  expect(await alice.page.getByTestId('counter').textContent()).toBe('16,384 / 16,384');
  await alice.page.getByRole('button', { name: 'Send' }).click();
  const got = bob.message('long message long message');
  await got.locator('.body', { hasText: /end$/ }).waitFor();
  expect((await got.locator('.body').textContent())?.length).toBe(MAX_TEXT_LENGTH);
});

it('unread counts per conversation and in the tab title; notifications say only "New message" unless the name is chosen; a sound toggle', async () => {
  const { alice, bob } = web;
  // A phone-sized window, where "back" leaves the open conversation.
  await bob.page.setViewportSize({ width: 600, height: 700 });
  await bob.context.grantPermissions(['notifications']);
  await recordAnnouncements(bob.page);
  // Bob opens the settings: turning notifications on is the click that asks for permission.
  await bob.page.getByRole('button', { name: 'Settings' }).click();
  const settings = bob.page.getByTestId('settings-dialog');
  await settings.getByLabel(/Show a desktop notification/).check();
  await expect.poll(() => settings.getByLabel(/Show a desktop notification/).isChecked()).toBe(true);
  await shot(bob.page, 'web-settings');
  await settings.getByRole('button', { name: 'Close' }).click();
  await bob.page.getByRole('button', { name: 'Back to conversations' }).click();

  await sendAndSee(alice, 'the first unread');
  await sendAndSee(alice, 'the second unread');
  await bob.page.locator('[data-contact="alice"]').getByTestId('unread').getByText('2').waitFor();
  await expect.poll(() => bob.page.title()).toBe('(2) tacet');
  expect(await shown(bob)).toEqual([
    ['tacet', 'New message'],
    ['tacet', 'New message'],
  ]);
  await shot(bob.page, 'web-unread');
  await bob.openChat('alice');
  await bob.message('the second unread').waitFor();
  await expect.poll(() => bob.page.title()).toBe('tacet');
  expect(await bob.page.getByTestId('unread').count()).toBe(0);

  await bob.page.getByRole('button', { name: 'Settings' }).click();
  await settings.getByLabel(/Include the sender’s name/).check();
  await settings.getByLabel('Play a sound').check();
  await settings.getByRole('button', { name: 'Close' }).click();
  await bob.page.getByRole('button', { name: 'Back to conversations' }).click();
  await sendAndSee(alice, 'now with a name');
  await expect.poll(() => shown(bob).then((s) => s.length)).toBe(3);
  expect((await shown(bob))[2]).toEqual(['tacet', 'New message from alice']);
  expect(await bob.page.evaluate(() => (window as unknown as { tones: number }).tones)).toBeGreaterThan(0);
  // The message text never appears in a notification.
  expect(JSON.stringify(await shown(bob))).not.toContain('unread');
  await bob.page.setViewportSize({ width: 1000, height: 700 });
});

it('one safety-number layout: 3 rows of 4 groups of 5 digits, as in the terminal', async () => {
  const { alice } = web;
  await alice.openChat('bob');
  await alice.page.getByRole('button', { name: 'Safety number' }).click();
  const rows = alice.page.getByTestId('safety-digits').locator('.row');
  await rows.first().waitFor();
  expect(await rows.count()).toBe(3);
  for (let i = 0; i < 3; i++) {
    const groups = await rows.nth(i).locator('span').allTextContents();
    expect(groups).toHaveLength(4);
    for (const g of groups) expect(g).toMatch(/^\d{5}$/);
  }
  await alice.page.getByTestId('safety-dialog').getByRole('button', { name: 'Close' }).click();
});

it('renames a contact, and deleting one shreds the conversation; what is typed in the add form stays', async () => {
  const { alice, bob } = web;
  await bob.openChat('alice');
  // Half-typed in the add form: the list re-rendering around it (renamed, then deleted) keeps it.
  const typing = bob.page.getByLabel('Name (only you see it)', { exact: true });
  await typing.fill('half-typed');
  await bob.page.getByRole('button', { name: 'Rename' }).click();
  await bob.page.getByLabel('New name (only you see it)').fill('ally');
  await bob.page.getByRole('button', { name: 'Save name' }).click();
  await bob.page.getByRole('region', { name: 'Conversation with ally' }).waitFor();
  await bob.message('now with a name').waitFor();
  await bob.page.locator('[data-contact="ally"]').waitFor();
  expect(await typing.inputValue()).toBe('half-typed');

  await bob.page.getByRole('button', { name: 'Delete', exact: true }).click();
  await shot(bob.page, 'web-delete-contact');
  await bob.page.getByRole('button', { name: 'Delete and shred' }).click();
  await expect.poll(() => bob.page.locator('[data-contact]').count()).toBe(0);
  expect(await typing.inputValue()).toBe('half-typed');
  // Added again, the conversation starts empty: its messages were shredded, not hidden.
  await bob.addContact(alice.id, 'alice');
  await bob.openChat('alice');
  expect(await bob.page.getByTestId('messages').locator('li').count()).toBe(0);
});

it('a wrong passphrase is said plainly; "forgot passphrase — start over" wipes after a confirmation', async () => {
  const { bob } = web;
  await bob.page.reload();
  await bob.page.getByLabel('Passphrase', { exact: true }).fill('not the passphrase');
  await bob.page.getByRole('button', { name: 'Unlock' }).click();
  const alert = bob.page.getByRole('alert');
  await alert.getByText('That passphrase is not right. Check it and try again.').waitFor();
  expect(await alert.textContent()).not.toMatch(/TACET_PASSPHRASE/);

  await bob.page.getByRole('button', { name: 'Forgot passphrase — start over' }).click();
  const dialog = bob.page.getByTestId('start-over-dialog');
  await dialog.getByText(/Nobody can recover a forgotten passphrase/).waitFor();
  await shot(bob.page, 'web-start-over');
  await dialog.getByRole('button', { name: 'Delete everything and start over' }).click();
  await bob.page.getByLabel('Passphrase again').waitFor();
  await bob.page.getByRole('button', { name: 'Create account' }).waitFor();
});

it('outside a secure context it refuses to register or unlock and explains HTTPS', async () => {
  const { browser, server } = web;
  // A non-localhost http:// origin is not a secure context; the bytes still come from the real server.
  const context = await browser.newContext();
  await context.route('http://tacet.example/**', async (route) => {
    const url = new URL(route.request().url());
    route.fulfill({ response: await route.fetch({ url: `${server.url}${url.pathname}${url.search}` }) });
  });
  const page = await context.newPage();
  await page.goto('http://tacet.example/');
  await page
    .getByTestId('insecure-context')
    .getByText(/Open tacet over HTTPS/)
    .waitFor();
  expect(await page.evaluate(() => isSecureContext)).toBe(false);
  expect(await page.getByRole('button', { name: /Create account|Unlock/ }).count()).toBe(0);
  await shot(page, 'web-insecure-context');
  await context.close();
});
