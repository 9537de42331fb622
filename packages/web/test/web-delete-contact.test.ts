/**
 * "Delete and shred" while the shredding takes time: the button is disabled
 * at once (a double click starts it once), progress says what is being
 * shredded, and when it finishes the contact and the conversation are gone.
 * The store is held busy by a competing IndexedDB transaction the test
 * releases, so "while it runs" is an event, not a race with the clock.
 */
import type { Page } from 'playwright-core';
import { expect, it, vi } from 'vitest';
import { twoPeopleInChromium } from './support/two-people.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const web = twoPeopleInChromium({ chatting: true });

/** Holds a read-write transaction on the profile's messages until `releaseStore`: every store write waits behind it. */
function holdStore(page: Page): Promise<void> {
  return page.evaluate(
    () =>
      new Promise<void>((ready, fail) => {
        const w = window as unknown as { releaseStore: boolean };
        w.releaseStore = false;
        const open = indexedDB.open('tacet-profile-default');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['messages'], 'readwrite');
          const messages = tx.objectStore('messages');
          tx.oncomplete = () => db.close();
          let first = true;
          // A transaction stays open only while it has requests in flight: keep one going until released.
          const spin = () => {
            const r = messages.count();
            r.onsuccess = () => {
              if (first) {
                first = false;
                ready();
              }
              if (!w.releaseStore) spin();
            };
          };
          spin();
        };
      }),
  );
}

it('"Delete and shred" is disabled while it runs and shows what it is shredding; then everything is gone', async () => {
  const { alice, bob } = web;
  for (const text of ['one', 'two', 'three']) await bob.send(text);
  await alice.message('three').waitFor();
  await expect.poll(() => alice.page.getByTestId('messages').locator('li').count()).toBe(3);

  await alice.page.getByRole('button', { name: 'Delete', exact: true }).click();
  const dialog = alice.page.getByTestId('delete-dialog');
  await dialog.waitFor();
  await holdStore(alice.page);
  await dialog.getByRole('button', { name: 'Delete and shred' }).dblclick();

  const progress = dialog.getByTestId('shred-progress');
  await progress.getByText('Shredding 3 messages and their keys').waitFor();
  expect(await progress.locator('progress').count()).toBe(1);
  const button = dialog.getByRole('button', { name: 'Shredding…' });
  expect(await button.isDisabled()).toBe(true);

  await alice.page.evaluate(() => {
    (window as unknown as { releaseStore: boolean }).releaseStore = true;
  });
  await dialog.waitFor({ state: 'detached' });
  await expect.poll(() => alice.page.locator('[data-contact]').count()).toBe(0);
  expect(await alice.page.getByRole('alert').count()).toBe(0);
  // Added again, the conversation starts empty: shredded, not hidden.
  await alice.addContact(bob.id, 'bob');
  await alice.openChat('bob');
  expect(await alice.page.getByTestId('messages').locator('li').count()).toBe(0);
});
