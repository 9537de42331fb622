/**
 * A contact's device list changes, in Chromium on a real server: alice has
 * verified bob; bob links a second browser as a new device and writes. Alice
 * is told in their conversation that bob now has 2 devices, and — because
 * she verified him — that her messages wait until she checks the change with
 * him. What she writes meanwhile stays pending; "bob confirmed it — send"
 * sends it to both of bob's devices. Carol, who never verified bob, gets the
 * same notice but no pause: her next message reaches both devices at once.
 */
import { expect, it, vi } from 'vitest';
import { linkNewBrowser } from './support/new-device.js';
import { twoPeopleInChromium } from './support/two-people.js';
import { WebPerson } from './support/web-person.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const web = twoPeopleInChromium({ chatting: true });

it('a verified contact’s new device is announced, and sending waits until the person accepts it', async () => {
  const { alice, bob, browser, server } = web;
  // Alice has sent to bob (so she holds his signed device list) and verified him.
  await alice.send('before your new device');
  await bob.message('before your new device').waitFor();
  await alice.message('before your new device').locator('[data-status="delivered"]').waitFor();
  await alice.safetyNumber();
  const safety = alice.page.getByTestId('safety-dialog');
  await safety.getByRole('button', { name: 'Mark as verified' }).click();
  await safety.getByText('✓ Verified').waitFor();
  await safety.getByRole('button', { name: 'Close' }).click();

  // Carol talks to bob too, without verifying him.
  const carol = await WebPerson.register(browser, server.url);
  await carol.addContact(bob.id, 'bob');
  await bob.addContact(carol.id, 'carol');
  await carol.openChat('bob');
  await carol.send('carol here');
  await bob.openChat('carol');
  await bob.message('carol here').waitFor();

  const laptop = await linkNewBrowser(bob, browser, server.url);
  await bob.send('I linked my laptop, carol');
  await carol.message('I linked my laptop, carol').waitFor();
  await bob.openChat('alice');
  await bob.send('I linked my laptop');
  await alice.message('I linked my laptop').waitFor();

  // Carol is told, and nothing waits: bob's new device gets her next message.
  const carolsChat = carol.page.getByRole('region', { name: 'Conversation with bob' });
  await carolsChat
    .getByTestId('device-notice')
    .getByText('bob linked or removed a device and now has 2 devices')
    .waitFor();
  expect(await carolsChat.getByTestId('devices-paused').count()).toBe(0);
  await carol.send('straight to both');
  await laptop.page.locator('[data-contact="carol"]').click();
  await laptop.page.getByTestId('messages').locator('li', { hasText: 'straight to both' }).waitFor();

  const chat = alice.page.getByRole('region', { name: 'Conversation with bob' });
  await chat
    .getByTestId('device-notice')
    .getByText('bob linked or removed a device and now has 2 devices')
    .waitFor();
  const paused = chat.getByTestId('devices-paused');
  await paused
    .getByText(/You verified bob, so your messages to them wait here until you check with bob/)
    .waitFor();

  // Written while paused: kept, shown as pending (no error), counted on the warning.
  await alice.send('held until I look');
  await alice.message('held until I look').locator('[data-status="pending"]').waitFor();
  await paused.getByText(/1 message is waiting\./).waitFor();
  const listMark = alice.page
    .locator('[data-contact="bob"]')
    .getByTitle('their devices changed: sending waits for you');
  await listMark.waitFor();
  expect(await chat.getByRole('alert').filter({ hasText: 'Something went wrong' }).count()).toBe(0);

  await paused.getByRole('button', { name: 'bob confirmed it — send' }).click();
  await paused.waitFor({ state: 'detached' });
  await listMark.waitFor({ state: 'detached' });
  await bob.message('held until I look').waitFor();
  await laptop.page.locator('[data-contact="alice"]').click();
  await laptop.page.getByTestId('messages').locator('li', { hasText: 'held until I look' }).waitFor();
  await alice.message('held until I look').locator('[data-status="delivered"]').waitFor();
  // Still verified: the person looked at the change, and the safety number is the same.
  await chat.getByText('✓ verified').waitFor();
  await laptop.context.close();
  await carol.close();
});
