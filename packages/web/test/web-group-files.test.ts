/**
 * Files and notifications in a group, in Chromium on a real server: alice
 * attaches a document with the attach button (a progress bar while its upload
 * is held, then the metadata note) and drops a photo on the group; bob gets
 * both, the document byte for byte and the photo as a thumbnail. Bob, looking
 * at another screen, is notified of each group message and file with the
 * group's name and the sender's (he chose to show names), not "someone".
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Route } from 'playwright-core';
import { expect, it, vi } from 'vitest';
import { recordAnnouncements, shownNotifications } from './support/announcements.js';
import { WEB_DIR } from './support/build-dist.js';
import { download } from './support/download.js';
import { twoPeopleInChromium } from './support/two-people.js';
import type { WebPerson } from './support/web-person.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const web = twoPeopleInChromium();
const GPS_JPEG = join(WEB_DIR, '..', 'client', 'test', 'attachments', 'fixtures', 'gps.jpg');

function group(p: WebPerson): Locator {
  return p.page.getByRole('region', { name: 'Group newsroom' });
}

it('group files by attach button (with progress) and by drop; group notifications name the group', async () => {
  const { alice, bob } = web;
  await alice.addContact(bob.id, 'bob');
  await bob.addContact(alice.id, 'alice');

  // Bob wants notifications with names; he stays on the list, so group messages arrive unseen.
  await bob.context.grantPermissions(['notifications']);
  await recordAnnouncements(bob.page);
  await bob.page.getByRole('button', { name: 'Settings' }).click();
  const settings = bob.page.getByTestId('settings-dialog');
  await settings.getByLabel(/Show a desktop notification/).check();
  await settings.getByLabel(/Include the sender’s name/).check();
  await expect.poll(() => settings.getByLabel(/Include the sender’s name/).isChecked()).toBe(true);
  await settings.getByRole('button', { name: 'Close' }).click();

  await alice.createGroup('newsroom', ['bob']);
  await bob.page.locator('[data-group="newsroom"]').waitFor();

  await alice.send('the agenda follows');
  await expect
    .poll(() => shownNotifications(bob.page))
    .toEqual([['tacet', 'New message from alice in newsroom']]);

  // The attach button: while the upload is held at the server's door the progress bar shows.
  const held: Route[] = [];
  let holdUploads = true;
  await alice.page.route(
    () => true,
    (route) => {
      if (holdUploads && route.request().method() === 'PUT') held.push(route);
      else void route.continue();
    },
  );
  const minutes = new Uint8Array(randomBytes(300_000));
  await alice.page.getByTestId('attach-input').setInputFiles({
    name: 'minutes.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from(minutes),
  });
  await group(alice).getByTestId('upload-progress').waitFor();
  await expect.poll(() => held.length).toBeGreaterThan(0);
  expect(await alice.page.getByTestId('attach-input').isDisabled()).toBe(true);
  holdUploads = false;
  for (const route of held.splice(0)) await route.continue();
  await alice.page.unroute(() => true);
  await group(alice)
    .getByTestId('upload-note')
    .getByText(/Sent minutes\.pdf\. Documents may carry metadata/)
    .waitFor();

  // A photo dropped on the group.
  const drop = await alice.page.evaluateHandle((b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([data], 'gps.jpg', { type: 'image/jpeg' }));
    return dt;
  }, readFileSync(GPS_JPEG).toString('base64'));
  await group(alice).dispatchEvent('drop', { dataTransfer: drop });
  await group(alice).getByTestId('upload-note').getByText('Sent gps.jpg, without its metadata.').waitFor();

  // Each file is a new message to bob too, named like a text.
  await expect
    .poll(() => shownNotifications(bob.page))
    .toEqual(Array(3).fill(['tacet', 'New message from alice in newsroom']));
  await bob.page.locator('[data-group="newsroom"]').getByTestId('unread').getByText('3').waitFor();
  await bob.page.locator('[data-group="newsroom"]').click();
  await group(bob).waitFor();
  const doc = bob.page.locator('[data-testid="attachment"][data-file-name="minutes.pdf"]');
  await doc.waitFor();
  expect((await download(bob.page, 'minutes.pdf')).equals(Buffer.from(minutes))).toBe(true);
  const photo = bob.page.locator('[data-testid="attachment"][data-file-name="gps.jpg"]');
  await photo.getByTestId('thumbnail').waitFor();
  const got = await download(bob.page, 'gps.jpg');
  for (const marker of ['GPS', 'TacetCam', 'Exif']) expect(got.includes(marker)).toBe(false);
  expect(await bob.message('minutes.pdf').getByTestId('sender').textContent()).toBe('alice');
});
