/**
 * Linking a second browser profile to alice's account and the Devices screen,
 * in Chromium on a real server: the new profile shows its link code as text;
 * alice enters it under Devices; both show the same comparison code and are
 * confirmed; the new device gets her contacts, and bob's message reaches both
 * of her devices. Devices lists both with the current one marked, and removing
 * one asks first. A mistyped code is refused in plain words.
 */
import { expect, it, vi } from 'vitest';
import { confirmLink, startLinkingBrowser } from './support/new-device.js';
import { twoPeopleInChromium } from './support/two-people.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const web = twoPeopleInChromium();

it('a second browser profile links to an account after both confirm the same comparison code', async () => {
  const { alice, bob, browser, server } = web;
  await alice.addContact(bob.id, 'bob');
  await bob.addContact(alice.id, 'alice');

  const {
    context,
    page: second,
    code,
  } = await startLinkingBrowser(browser, server.url, 'second device passphrase');
  expect(code).toMatch(/^[A-Za-z0-9_-]{66}$/);

  await alice.page.getByRole('button', { name: 'Devices' }).click();
  const devices = alice.page.getByTestId('devices-dialog');
  await devices.locator('[data-device="1"][data-current="true"]').getByText('this device').waitFor();

  // A mistyped code is refused in plain words, and nothing is linked.
  await devices.getByLabel('Link code from the new device').fill(`${code.slice(0, 30)}!`);
  await devices.getByRole('button', { name: 'Link', exact: true }).click();
  await devices
    .getByRole('alert')
    .getByText(/not a link code/)
    .waitFor();

  await confirmLink(devices, { context, page: second, code });
  await devices.getByTestId('linked').getByText('Device 2 is linked').waitFor();
  await devices.locator('[data-device="2"][data-current="false"]').waitFor();

  // The new device is alice: her contacts came along, and it knows itself as device 2.
  await second.getByRole('button', { name: 'Devices' }).click();
  const seconds = second.getByTestId('devices-dialog');
  await seconds.locator('[data-device="2"][data-current="true"]').getByText('this device').waitFor();
  await seconds.locator('[data-device="1"][data-current="false"]').waitFor();
  await seconds.getByRole('button', { name: 'Close' }).click();
  await second.locator('[data-contact="bob"]').click();

  await bob.openChat('alice');
  await bob.send('to both of your devices');
  await second.getByTestId('messages').locator('li', { hasText: 'to both of your devices' }).waitFor();
  await devices.getByRole('button', { name: 'Close' }).click();
  await alice.openChat('bob');
  await alice.message('to both of your devices').waitFor();

  // Removing asks first; "Keep it" keeps it, the second question removes it from the signed list.
  await alice.page.getByRole('button', { name: 'Devices' }).click();
  await devices.locator('[data-device="2"]').getByRole('button', { name: 'Remove' }).click();
  await devices.getByRole('button', { name: 'Keep it' }).click();
  await devices.locator('[data-device="2"]').getByRole('button', { name: 'Remove' }).click();
  await devices.getByRole('button', { name: 'Remove device 2' }).click();
  await devices.locator('[data-device="2"]').waitFor({ state: 'detached' });
  expect(await devices.locator('li[data-device]').count()).toBe(1);
  await devices.getByRole('button', { name: 'Close' }).click();
  // bob's client learns the newer signed list and still reaches alice's remaining device.
  await bob.send('after the removal');
  await alice.message('after the removal').waitFor();
  await bob.message('after the removal').locator('[data-status="delivered"]').waitFor();
  await context.close();
});
