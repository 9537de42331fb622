/**
 * Attachments in the browser (issue 12, item 5): a photo picked with the
 * attach button shows at once as a thumbnail on the other side and
 * downloads without its GPS tags; a document dropped on the conversation
 * arrives byte for byte; on expiry the OPFS copy is removed and its object
 * URL revoked.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it, vi } from 'vitest';
import { WEB_DIR } from './support/build-dist.js';
import { download } from './support/download.js';
import { twoPeopleInChromium } from './support/two-people.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const web = twoPeopleInChromium({ chatting: true });

const GPS_JPEG = join(WEB_DIR, '..', 'client', 'test', 'attachments', 'fixtures', 'gps.jpg');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Names of the files in this page's OPFS attachment folder. */
function opfsFiles(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle('tacet-attachments', { create: true });
    const names: string[] = [];
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    return names;
  });
}

it('sends a photo with the attach button: a thumbnail at once, and a download without GPS', async () => {
  const { alice, bob } = web;
  await alice.page.getByTestId('attach-input').setInputFiles({
    name: 'gps.jpg',
    mimeType: 'image/jpeg',
    buffer: readFileSync(GPS_JPEG),
  });
  await alice.page.getByTestId('upload-note').getByText('Sent gps.jpg, without its metadata.').waitFor();
  const item = bob.page.locator('[data-testid="attachment"][data-file-name="gps.jpg"]');
  await item.getByTestId('thumbnail').waitFor();
  expect(await item.textContent()).toMatch(/gps\.jpg\s*\d+(\.\d)? (B|KiB)/);
  const got = await download(bob.page, 'gps.jpg');
  expect([got[0], got[1]]).toEqual([0xff, 0xd8]);
  for (const marker of ['GPS', 'TacetCam', 'SOURCE-', 'Exif']) expect(got.includes(marker)).toBe(false);
  await item.getByTestId('picture').waitFor();
});

it('sends a document dropped on the conversation, byte for byte', async () => {
  const { alice, bob } = web;
  const bytes = new Uint8Array(randomBytes(700_000));
  const drop = await alice.page.evaluateHandle((b64) => {
    const bin = atob(b64);
    const data = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([data], 'minutes.pdf', { type: 'application/pdf' }));
    return dt;
  }, Buffer.from(bytes).toString('base64'));
  await alice.page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: drop });
  await alice.page
    .getByTestId('upload-note')
    .getByText(/Sent minutes\.pdf\. Documents may carry metadata/)
    .waitFor();
  await bob.page.locator('[data-testid="attachment"][data-file-name="minutes.pdf"]').waitFor();
  expect(sha(await download(bob.page, 'minutes.pdf'))).toBe(sha(bytes));
});

it('on expiry removes the OPFS copy and revokes its object URL', async () => {
  const { alice, bob } = web;
  await alice.page.locator('select[name="timer"]').selectOption('5');
  // The file takes the timer in force when it is sent: wait until the change is in.
  await alice.page
    .getByTestId('messages')
    .getByText(/You set disappearing messages to 5/)
    .waitFor();
  await alice.page.getByTestId('attach-input').setInputFiles({
    name: 'brief.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('meet at the usual place\n'),
  });
  const item = bob.page.locator('[data-testid="attachment"][data-file-name="brief.txt"]');
  await item.waitFor();
  expect((await download(bob.page, 'brief.txt')).toString()).toBe('meet at the usual place\n');
  const url = (await item.locator('a[download]').getAttribute('href')) as string;
  expect(url).toMatch(/^blob:/);
  const before = await opfsFiles(bob.page);
  expect(before.length).toBeGreaterThan(0);
  mkdirSync(join(WEB_DIR, '..', '..', 'test-artifacts'), { recursive: true });
  await bob.page.screenshot({ path: join(WEB_DIR, '..', '..', 'test-artifacts', 'web-attachments.png') });
  await item.waitFor({ state: 'detached', timeout: 15_000 });
  // Only this file's 5 s have run out (the earlier two have 30 s): one entry fewer.
  await expect
    .poll(async () => (await opfsFiles(bob.page)).length, { timeout: 10_000 })
    .toBe(before.length - 1);
  const fetched = await bob.page.evaluate(
    (u) =>
      fetch(u).then(
        () => 'read',
        () => 'revoked',
      ),
    url,
  );
  expect(fetched).toBe('revoked');
});
