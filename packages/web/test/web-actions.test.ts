/**
 * Replies, reactions, edits, delete for everyone, read receipts (off until
 * turned on) and account deletion between two people in Chromium.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it, vi } from 'vitest';
import { WEB_DIR } from './support/build-dist.js';
import { twoPeopleInChromium } from './support/two-people.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const web = twoPeopleInChromium({ chatting: true });

const ARTIFACTS = resolve(WEB_DIR, '..', '..', 'test-artifacts');

it('reply, react, edit, read receipts once turned on, delete for everyone', async () => {
  const { alice, bob } = web;
  await alice.send('hello there');
  await bob.message('hello there').waitFor();
  // Read receipts are off by default: alice sees "delivered", never "read".
  await alice.message('hello there').locator('[data-status="delivered"]').waitFor();
  await bob.page.getByRole('button', { name: 'Settings' }).click();
  const settings = bob.page.getByTestId('settings-dialog');
  expect(await settings.getByLabel(/Send read receipts/).isChecked()).toBe(false);
  await settings.getByLabel(/Send read receipts/).check();
  await settings.getByRole('button', { name: 'Close' }).click();

  await bob.message('hello there').getByRole('button', { name: 'Reply' }).click();
  await bob.page.getByTestId('composing').getByText('Replying to: hello there').waitFor();
  await bob.send('general kenobi');
  const reply = alice.message('general kenobi');
  await reply.getByTestId('quote').getByText('hello there').waitFor();

  await reply.getByRole('button', { name: 'React 👍' }).click();
  await bob.message('general kenobi').getByTestId('reactions').getByText('👍 alice').waitFor();

  await alice.send('helo');
  await bob.message('helo').waitFor();
  // Bob has receipts on and the conversation open: alice's message shows "read".
  await alice.message('helo').locator('[data-status="read"]').waitFor();
  await alice.message('helo').getByRole('button', { name: 'Edit' }).click();
  await alice.page.getByTestId('composing').getByText('Editing your message').waitFor();
  // The box holds the old text as soon as the banner shows, not a render later: one that came
  // later landed after typing had begun ("helohello, corrected").
  expect(await alice.page.getByLabel('Message to bob').inputValue()).toBe('helo');
  await alice.page.getByLabel('Message to bob').fill('hello, corrected');
  await alice.page.getByRole('button', { name: 'Save' }).click();
  const edited = bob.message('hello, corrected');
  await edited.getByText('edited', { exact: true }).waitFor();
  expect(await bob.message('helo').count()).toBe(0);
  // Bob cannot edit or delete alice's messages: those buttons are only on his own.
  expect(await bob.message('hello, corrected').getByRole('button', { name: 'Edit' }).count()).toBe(0);
  expect(
    await bob.message('hello, corrected').getByRole('button', { name: 'Delete for everyone' }).count(),
  ).toBe(0);

  mkdirSync(ARTIFACTS, { recursive: true });
  await alice.page.screenshot({ path: join(ARTIFACTS, 'web-reply-react-edit.png') });

  await alice.send('delete me');
  await bob.message('delete me').waitFor();
  alice.page.once('dialog', (d) => void d.accept());
  await alice.message('delete me').getByRole('button', { name: 'Delete for everyone' }).click();
  await expect.poll(() => alice.message('delete me').count()).toBe(0);
  await expect.poll(() => bob.message('delete me').count()).toBe(0);
});

it('deleting the account removes it from the server and shreds the profile', async () => {
  const { alice, bob } = web;
  await bob.page.getByRole('button', { name: 'Settings' }).click();
  const settings = bob.page.getByTestId('settings-dialog');
  await settings.getByRole('button', { name: 'Delete my account…' }).click();
  await settings.getByText(/cannot be undone/).waitFor();
  await settings.getByRole('button', { name: 'Delete my account for good' }).click();
  await bob.page.getByRole('button', { name: 'Create account' }).waitFor();
  await bob.page.getByLabel('Passphrase again').waitFor();

  await alice.page.getByRole('button', { name: 'Delete', exact: true }).click();
  await alice.page.getByRole('button', { name: 'Delete and shred' }).click();
  // The dialog stays modal until the shredding is done, and the page outside it is inert:
  // text typed meanwhile goes nowhere (Playwright's fill reports no error), so wait for it to close.
  await alice.page.getByTestId('delete-dialog').waitFor({ state: 'detached' });
  await alice.page.getByText('No contacts yet').waitFor();
  await alice.page.getByLabel('Their id').fill(bob.id);
  await alice.page.getByLabel('Name (only you see it)').fill('bob');
  await alice.page.getByRole('button', { name: 'Add contact' }).click();
  await alice.page
    .getByRole('form', { name: 'Add a contact' })
    .getByRole('alert')
    .getByText(/^No such account/)
    .waitFor();
});
