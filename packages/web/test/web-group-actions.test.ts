/**
 * What a group conversation offers beyond sending, in Chromium on a real
 * server: an admin renames the group (every member sees the new name; a
 * member who is no admin is not offered it).
 */
import { expect, it, vi } from 'vitest';
import { twoPeopleInChromium } from './support/two-people.js';
import type { WebPerson } from './support/web-person.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const web = twoPeopleInChromium({ chatting: true });

async function openMembers(p: WebPerson, name: string) {
  await p.page
    .getByRole('region', { name: `Group ${name}` })
    .getByRole('button', { name: 'Members' })
    .click();
  const dialog = p.page.getByTestId('members-dialog');
  await dialog.waitFor();
  return dialog;
}

it('an admin renames the group; every member sees the new name, a member who is no admin is not offered it', async () => {
  const { alice, bob } = web;
  await alice.createGroup('desk', ['bob']);
  await bob.page.locator('[data-group="desk"]').click();
  await bob.page.getByRole('region', { name: 'Group desk' }).waitFor();

  const members = await openMembers(alice, 'desk');
  await members.getByLabel('Group name (every member sees it)').fill('night desk');
  await members.getByRole('button', { name: 'Rename' }).click();
  await alice.page.getByTestId('members-dialog').getByText('Members of night desk').waitFor();
  await members.getByRole('button', { name: 'Close' }).click();
  await alice.page.getByRole('region', { name: 'Group night desk' }).waitFor();
  // bob has the group open: its header and his list follow the signed change.
  await bob.page.getByRole('region', { name: 'Group night desk' }).waitFor();
  await bob.page.locator('[data-group="night desk"]').waitFor();

  const bobs = await openMembers(bob, 'night desk');
  expect(await bobs.getByRole('button', { name: 'Rename' }).count()).toBe(0);
  expect(await bobs.getByLabel('Group name (every member sees it)').count()).toBe(0);
  await bobs.getByRole('button', { name: 'Close' }).click();
});
