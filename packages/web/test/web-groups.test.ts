/**
 * Groups in the web client, three people in Chromium on a real server: alice
 * creates a group from her contacts, adds carol from the members view, and
 * everyone chats with the sender's name on each message (a contact's name, or
 * the account id of someone who is not a contact). Alice sees per member who
 * has her message; removing carol means nothing more reaches carol; bob
 * is made an admin and then leaves; admins are marked and only admins are
 * offered to change members or the timer.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator } from 'playwright-core';
import { expect, it, vi } from 'vitest';
import { WEB_DIR } from './support/build-dist.js';
import { twoPeopleInChromium } from './support/two-people.js';
import { WebPerson } from './support/web-person.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const web = twoPeopleInChromium();
const ARTIFACTS = resolve(WEB_DIR, '..', '..', 'test-artifacts');

function group(p: WebPerson): Locator {
  return p.page.getByRole('region', { name: 'Group newsroom' });
}

async function openGroup(p: WebPerson): Promise<void> {
  await p.page.locator('[data-group="newsroom"]').click();
  await group(p).waitFor();
}

async function openMembers(p: WebPerson): Promise<Locator> {
  await group(p).getByRole('button', { name: 'Members' }).click();
  const dialog = p.page.getByTestId('members-dialog');
  await dialog.waitFor();
  return dialog;
}

function sender(p: WebPerson, text: string): Locator {
  return p.message(text).getByTestId('sender');
}

it('create, add, timer, chat with sender names, per-member delivery, remove, promote and leave', async () => {
  const { alice, bob, browser, server } = web;
  const carol = await WebPerson.register(browser, server.url);
  await alice.addContact(bob.id, 'bob');
  await alice.addContact(carol.id, 'carol');
  await bob.addContact(alice.id, 'alice');
  await carol.addContact(alice.id, 'alice');

  // Create from contacts: bob only at first; alice lands in the new group.
  await alice.createGroup('newsroom', ['bob']);
  await bob.page.locator('[data-group="newsroom"]').waitFor();

  // Add carol from the members view; she finds the group in her list.
  let members = await openMembers(alice);
  await members.locator('[data-member="You"]').getByText('admin', { exact: true }).waitFor();
  await members.getByLabel('carol').check();
  await members.getByRole('button', { name: 'Add to group' }).click();
  await members.locator('[data-member="carol"]').waitFor();
  expect(await members.locator('[data-member="bob"]').getByText('admin', { exact: true }).count()).toBe(0);
  await members.getByRole('button', { name: 'Close' }).click();
  await carol.page.locator('[data-group="newsroom"]').waitFor();

  // The admin sets the group's timer; a member sees it and cannot change it.
  await group(alice).getByLabel('Disappear after').selectOption('300');
  await openGroup(bob);
  await expect.poll(() => group(bob).getByLabel('Disappear after').inputValue()).toBe('300');
  expect(await group(bob).getByLabel('Disappear after').isDisabled()).toBe(true);

  await alice.send('first from alice');
  await openGroup(carol);
  await expect.poll(() => sender(bob, 'first from alice').textContent()).toBe('alice');
  await expect.poll(() => sender(carol, 'first from alice').textContent()).toBe('alice');
  // Seen on carol's screen, her copy counts down from the group's 5 minutes.
  await expect
    .poll(() => carol.message('first from alice').getByTestId('countdown').textContent())
    .toMatch(/^disappears in (5m|4m)/);
  expect(await sender(alice, 'first from alice').count()).toBe(0); // our own: no name

  await bob.send('bob here');
  await expect.poll(() => sender(alice, 'bob here').textContent()).toBe('bob');
  // carol has not added bob: she sees his account id, never a name the server could choose.
  await expect.poll(() => sender(carol, 'bob here').textContent()).toBe(bob.id);

  // ✓✓ once every member has it, and who has it, member by member.
  await alice.message('first from alice').locator('[data-status="delivered"]').waitFor();
  await alice.message('first from alice').getByRole('button', { name: 'Who has it' }).click();
  const delivery = alice.page.getByTestId('delivery-dialog');
  await delivery.locator('[data-member="bob"][data-delivered="true"]').waitFor();
  await delivery.locator('[data-member="carol"][data-delivered="true"]').waitFor();
  mkdirSync(ARTIFACTS, { recursive: true });
  await alice.page.screenshot({ path: join(ARTIFACTS, 'web-group-delivery.png') });
  await delivery.getByRole('button', { name: 'Close' }).click();

  // bob is no admin: he sees alice marked as one, and no way to change members.
  const bobsView = await openMembers(bob);
  await bobsView.locator('[data-member="alice"]').getByText('admin', { exact: true }).waitFor();
  expect(await bobsView.getByRole('button', { name: 'Remove' }).count()).toBe(0);
  expect(await bobsView.getByRole('button', { name: 'Add to group' }).count()).toBe(0);
  expect(await bobsView.getByRole('button', { name: 'Make admin' }).count()).toBe(0);
  await bobsView.getByRole('button', { name: 'Close' }).click();

  // alice removes carol (asked twice); carol is told and gets nothing sent afterwards.
  members = await openMembers(alice);
  await members.locator('[data-member="carol"]').getByRole('button', { name: 'Remove', exact: true }).click();
  await members.getByRole('button', { name: 'Remove carol' }).click();
  await members.locator('[data-member="carol"]').waitFor({ state: 'detached' });
  await members.getByRole('button', { name: 'Close' }).click();
  await group(carol).getByTestId('not-member').waitFor();
  await expect
    .poll(() => carol.page.getByLabel(/^Message to /).getAttribute('placeholder'))
    .toMatch(/no longer/);
  // Nothing can be sent to the group any more: no reply, reaction or edit is offered either.
  expect(await carol.message('first from alice').getByRole('button', { name: 'Reply' }).count()).toBe(0);

  await alice.send('after carol was removed');
  await bob.message('after carol was removed').waitFor();
  // A later 1:1 message to carol is queued behind anything the group sent her: once it is here, nothing else is coming.
  await alice.openChat('carol');
  await alice.send('just for carol');
  await carol.page.locator('[data-contact="alice"]').getByTestId('unread').waitFor();
  expect(await carol.message('after carol was removed').count()).toBe(0);
  await openGroup(alice);
  await alice.message('after carol was removed').getByRole('button', { name: 'Who has it' }).click();
  await delivery.locator('[data-member="bob"][data-delivered="true"]').waitFor();
  expect(await delivery.locator('[data-member="carol"]').count()).toBe(0);
  await delivery.getByRole('button', { name: 'Close' }).click();

  // alice makes bob an admin too; his own view shows it.
  members = await openMembers(alice);
  await members.locator('[data-member="bob"]').getByRole('button', { name: 'Make admin' }).click();
  await members.locator('[data-member="bob"]').getByRole('button', { name: 'Remove admin' }).waitFor();
  await members.getByRole('button', { name: 'Close' }).click();
  const promoted = await openMembers(bob);
  await promoted.locator('[data-member="You"]').getByText('admin', { exact: true }).waitFor();
  await promoted.getByRole('button', { name: 'Close' }).click();

  // bob leaves (asked twice); alice's member list shows only her.
  const leaving = await openMembers(bob);
  await leaving.getByRole('button', { name: 'Leave group…' }).click();
  await leaving.getByRole('button', { name: 'Leave for good' }).click();
  await group(bob).getByTestId('not-member').waitFor();
  await leaving.getByRole('button', { name: 'Close' }).click();
  members = await openMembers(alice);
  await members.locator('[data-member="bob"]').waitFor({ state: 'detached' });
  expect(await members.locator('li[data-member]').count()).toBe(1);
});
