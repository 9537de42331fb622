/**
 * What a group conversation offers beyond sending, in Chromium on a real
 * server: an admin renames the group (every member sees the new name; a
 * member who is no admin is not offered it); replies, reactions with the
 * member's name, edits and delete for everyone, as in a 1:1 chat, each only
 * on one's own messages where the 1:1 chat has that rule.
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

/** The message whose own text is `text` (a reply quoting it has that text too, in its quote). */
function own(p: WebPerson, text: string) {
  return p.page
    .getByTestId('messages')
    .locator('li')
    .filter({ has: p.page.locator('p.body').getByText(text, { exact: true }) });
}

it('replies, reactions with the member’s name, edit and delete for everyone inside a group', async () => {
  const { alice, bob } = web;
  await alice.createGroup('wire', ['bob']);
  await bob.page.locator('[data-group="wire"]').click();
  await bob.page.getByRole('region', { name: 'Group wire' }).waitFor();

  await alice.send('meeting at 6');
  await own(bob, 'meeting at 6').getByRole('button', { name: 'Reply' }).click();
  await bob.page.getByTestId('composing').getByText('Replying to: meeting at 6').waitFor();
  await bob.send('make it 7');
  const reply = alice.message('make it 7');
  await reply.getByTestId('quote').getByText('meeting at 6').waitFor();
  expect(await reply.getByTestId('sender').textContent()).toBe('bob');
  // A quote names who wrote the quoted message: the member, not the group.
  expect(await reply.getByTestId('quote').locator('strong').textContent()).toBe('You');
  await bob.message('make it 7').getByTestId('quote').locator('strong').getByText('alice').waitFor();

  await reply.getByRole('button', { name: 'React 👍' }).click();
  await bob.message('make it 7').getByTestId('reactions').getByText('👍 alice').waitFor();
  await alice.message('make it 7').getByTestId('reactions').getByText('👍 you').waitFor();

  // bob may not edit or delete alice's message: those buttons are only on his own.
  const bobsCopy = own(bob, 'meeting at 6');
  expect(await bobsCopy.getByRole('button', { name: 'Edit' }).count()).toBe(0);
  expect(await bobsCopy.getByRole('button', { name: 'Delete for everyone' }).count()).toBe(0);

  await own(alice, 'meeting at 6').getByRole('button', { name: 'Edit' }).click();
  await alice.page.getByTestId('composing').getByText('Editing your message').waitFor();
  expect(await alice.page.getByLabel('Message to wire').inputValue()).toBe('meeting at 6');
  await alice.page.getByLabel('Message to wire').fill('meeting at 7');
  await alice.page.getByRole('button', { name: 'Save' }).click();
  await own(bob, 'meeting at 7').getByText('edited', { exact: true }).waitFor();
  await expect.poll(() => own(bob, 'meeting at 6').count()).toBe(0);
  // bob's reply quotes the message as it is now.
  await bob.message('make it 7').getByTestId('quote').getByText('meeting at 7').waitFor();

  alice.page.once('dialog', (d) => void d.accept());
  await own(alice, 'meeting at 7').getByRole('button', { name: 'Delete for everyone' }).click();
  await expect.poll(() => own(alice, 'meeting at 7').count()).toBe(0);
  await expect.poll(() => own(bob, 'meeting at 7').count()).toBe(0);
  await bob.message('make it 7').getByTestId('quote').getByText('a message that is gone').waitFor();
});
