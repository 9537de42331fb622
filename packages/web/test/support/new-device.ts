/**
 * A fresh browser profile that starts linking to an existing account, as a
 * person would: passphrase twice, "Link to an account I already have", then
 * the link code it shows.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { welcomeWithPassphrase } from './web-person.js';

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
