/** Downloading an attachment the way a person does: its Download button. */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Clicks the attachment's Download button and returns the downloaded bytes. */
export async function download(page: Page, fileName: string): Promise<Buffer> {
  const item = page.locator(`[data-testid="attachment"][data-file-name="${fileName}"]`);
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    item.getByRole('button', { name: 'Download' }).click(),
  ]);
  expect(dl.suggestedFilename()).toBe(fileName);
  return readFileSync((await dl.path()) as string);
}
