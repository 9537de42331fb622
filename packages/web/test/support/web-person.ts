/**
 * One person using the web client in their own browser context: register,
 * read their id, add contacts, open a chat, send. Selectors follow what a
 * person sees (labels, roles, button names).
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

/** A fresh profile's welcome screen with a new passphrase typed twice: next, create an account or link one. */
export async function welcomeWithPassphrase(
  browser: Browser,
  url: string,
  passphrase: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Passphrase again').fill(passphrase);
  return { context, page };
}

/** A registered person with an open page. */
export class WebPerson {
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly id: string,
  ) {}

  /** Opens a fresh context, registers an account and reads its id. */
  static async register(
    browser: Browser,
    url: string,
    passphrase = 'correct horse battery',
  ): Promise<WebPerson> {
    const { context, page } = await welcomeWithPassphrase(browser, url, passphrase);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('connection').getByText('Connected').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'My id' }).click();
    const id = (await page.getByTestId('own-id').textContent())?.trim() ?? '';
    await page.getByTestId('id-dialog').getByRole('button', { name: 'Close' }).click();
    return new WebPerson(context, page, id);
  }

  async addContact(id: string, name: string): Promise<void> {
    await this.page.getByLabel('Their id').fill(id);
    await this.page.getByLabel('Name (only you see it)').fill(name);
    await this.page.getByRole('button', { name: 'Add contact' }).click();
    await this.page.getByRole('navigation', { name: 'Conversations' }).getByText(name).waitFor();
  }

  async openChat(name: string): Promise<void> {
    await this.page.locator(`[data-contact="${name}"]`).click();
    await this.page.getByRole('region', { name: `Conversation with ${name}` }).waitFor();
  }

  async send(text: string): Promise<void> {
    await this.page.getByLabel(/^Message to /).fill(text);
    await this.page.getByRole('button', { name: 'Send', exact: true }).click();
  }

  /** Creates a group with these contacts from "New group"; resolves once it is open here. */
  async createGroup(name: string, memberNames: readonly string[]): Promise<void> {
    await this.page.getByRole('button', { name: 'New group' }).click();
    const create = this.page.getByTestId('new-group-dialog');
    await create.getByLabel('Group name (every member sees it)').fill(name);
    for (const member of memberNames) await create.getByLabel(member).check();
    await create.getByRole('button', { name: 'Create group' }).click();
    await this.page.getByRole('region', { name: `Group ${name}` }).waitFor();
  }

  /** Opens the safety number dialog of the open chat and returns its 60 digits. */
  async safetyNumber(): Promise<string> {
    await this.page.getByRole('button', { name: 'Safety number' }).click();
    const digits = this.page.getByTestId('safety-digits');
    await digits.waitFor();
    return ((await digits.textContent()) ?? '').replace(/\D/g, '');
  }

  /** The conversation item showing `text`. */
  message(text: string): Locator {
    return this.page.getByTestId('messages').locator('li', { hasText: text });
  }

  close(): Promise<void> {
    return this.context.close();
  }
}
