/**
 * A verified group member's device list changes, in Chromium on a real
 * server: alice verified bob, they share group desk; bob links a second
 * browser and says nothing. Alice's next group message learns of it (the
 * server holds the upload to the members' signed lists): it is kept
 * pending, and she is told in plain words to accept the change in her
 * conversation with bob. There, "bob confirmed it — send" sends it to both
 * of bob's devices.
 */
import { it, vi } from 'vitest';
import { linkNewBrowser } from './support/new-device.js';
import { twoPeopleInChromium } from './support/two-people.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const web = twoPeopleInChromium({ chatting: true });

it('a verified member’s new device pauses the group message until alice accepts it', async () => {
  const { alice, bob, browser, server } = web;
  await alice.send('before your new device');
  await bob.message('before your new device').waitFor();
  await alice.safetyNumber();
  const safety = alice.page.getByTestId('safety-dialog');
  await safety.getByRole('button', { name: 'Mark as verified' }).click();
  await safety.getByText('✓ Verified').waitFor();
  await safety.getByRole('button', { name: 'Close' }).click();

  await alice.createGroup('desk', ['bob']);
  await alice.send('hello desk');
  await bob.page.locator('[data-group="desk"]').click();
  await bob.message('hello desk').waitFor();

  const laptop = await linkNewBrowser(bob, browser, server.url);
  await alice.send('held for bob');
  const desk = alice.page.getByRole('region', { name: 'Group desk' });
  await desk
    .getByRole('alert')
    .getByText(/bob linked or removed a device\. You verified bob, .*accept it in your conversation with bob/)
    .waitFor();
  await alice.message('held for bob').locator('[data-status="pending"]').waitFor();

  await alice.openChat('bob');
  const paused = alice.page
    .getByRole('region', { name: 'Conversation with bob' })
    .getByTestId('devices-paused');
  await paused.getByRole('button', { name: 'bob confirmed it — send' }).click();
  await paused.waitFor({ state: 'detached' });
  await bob.message('held for bob').waitFor();
  await laptop.page.locator('[data-group="desk"]').click();
  await laptop.page.getByTestId('messages').locator('li', { hasText: 'held for bob' }).waitFor();
  await laptop.context.close();
});
