/**
 * A fresh browser profile that starts linking to an existing account, as a
 * person would: passphrase twice, "Link to an account I already have", then
 * the link code it shows.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { type WebPerson, welcomeWithPassphrase } from './web-person.js';

export interface LinkingBrowser {
  context: BrowserContext;
  page: Page;
  /** The link code as the page shows it, to enter on the existing device. */
  code: string;
}

export async function startLinkingBrowser(
  browser: Browser,
  url: string,
  passphrase: string,
): Promise<LinkingBrowser> {
  const { context, page } = await welcomeWithPassphrase(browser, url, passphrase);
  await page.getByRole('button', { name: 'Link to an account I already have' }).click();
  const code = ((await page.getByTestId('link-code').textContent()) ?? '').trim();
  return { context, page, code };
}

/**
 * Enters the new device's code in the open Devices dialog, checks both show
 * the same comparison code, confirms on both, and waits until the new device
 * is linked and connected.
 */
export async function confirmLink(devices: Locator, linking: LinkingBrowser): Promise<void> {
  await devices.getByLabel('Link code from the new device').fill(linking.code);
  await devices.getByRole('button', { name: 'Link', exact: true }).click();
  const shown = await devices.getByTestId('comparison-code').textContent();
  expect(shown).toMatch(/^\d{3} \d{3}$/);
  await expect.poll(() => linking.page.getByTestId('comparison-code').textContent()).toBe(shown);
  await devices.getByRole('button', { name: 'They match — link it' }).click();
  await linking.page.getByRole('button', { name: 'They match — link it' }).click();
  await devices
    .getByTestId('linked')
    .getByText(/Device \d+ is linked/)
    .waitFor();
  await linking.page.getByTestId('connection').getByText('Connected').waitFor({ timeout: 60_000 });
}

/** `person` links a fresh browser profile as a new device of their account, from the Devices screen. */
export async function linkNewBrowser(
  person: WebPerson,
  browser: Browser,
  url: string,
): Promise<LinkingBrowser> {
  const linking = await startLinkingBrowser(browser, url, 'new device passphrase');
  await person.page.getByRole('button', { name: 'Devices' }).click();
  const devices = person.page.getByTestId('devices-dialog');
  await confirmLink(devices, linking);
  await devices.getByRole('button', { name: 'Close' }).click();
  return linking;
}
