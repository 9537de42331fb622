/**
 * Two people in two Chromium contexts: register (proof-of-work in a worker),
 * add each other by id, chat both ways with delivery marks, and a message on
 * a 5 s timer that is gone from the screen and from IndexedDB one second
 * after its deadline.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it, vi } from 'vitest';
import { WEB_DIR } from './support/build-dist.js';
import { dumpContains, dumpContainsBytes, dumpIndexedDb, readRawMessage } from './support/idb-dump.js';
import { twoPeopleInChromium } from './support/two-people.js';

// Real browsers on a shared 2-core CI machine: generous, but still bounded.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const web = twoPeopleInChromium();

const ARTIFACTS = resolve(WEB_DIR, '..', '..', 'test-artifacts');

it('two people add each other by id and chat both ways with delivery marks', async () => {
  const { alice, bob } = web;
  expect(alice.id).not.toBe(bob.id);
  await alice.addContact(bob.id, 'bob');
  await bob.addContact(alice.id, 'alice');
  // Adding opened bob's conversation with alice; he leaves it (phone-sized window, "back").
  await bob.page.setViewportSize({ width: 600, height: 700 });
  await bob.page.getByRole('button', { name: 'Back to conversations' }).click();
  await bob.page.setViewportSize({ width: 1000, height: 700 });
  await alice.openChat('bob');

  await alice.send('hello bob, this is alice');
  await bob.page.locator('[data-contact="alice"]').getByTestId('unread').getByText('1').waitFor();
  await bob.openChat('alice');
  await bob.message('hello bob, this is alice').waitFor();
  expect(await bob.page.getByTestId('unread').count()).toBe(0);
  await alice.message('hello bob, this is alice').locator('[data-status="delivered"]').waitFor();

  await bob.send('hi alice!');
  await alice.message('hi alice!').waitFor();
  await expect
    .poll(() => bob.message('hi alice!').getByTestId('mark').getAttribute('data-status'))
    .toBe('delivered');
  // Default timer: 30 s, counting down on both sides.
  expect(await alice.message('hi alice!').getByTestId('countdown').textContent()).toMatch(
    /^disappears in (30|29|28|27|26|25)s$/,
  );

  mkdirSync(ARTIFACTS, { recursive: true });
  await alice.page.screenshot({ path: join(ARTIFACTS, 'web-chat.png') });
});

it('both sides see the same safety number (digits and QR code) and can mark the contact verified', async () => {
  const { alice, bob } = web;
  const [fromAlice, fromBob] = await Promise.all([alice.safetyNumber(), bob.safetyNumber()]);
  expect(fromAlice).toMatch(/^\d{60}$/);
  expect(fromAlice).toBe(fromBob);
  const dialog = alice.page.getByTestId('safety-dialog');
  await dialog.getByRole('img', { name: 'QR code of the safety number with bob' }).waitFor();
  await dialog.getByRole('button', { name: 'Mark as verified' }).click();
  await dialog.getByText('✓ Verified').waitFor();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await bob.page.getByTestId('safety-dialog').getByRole('button', { name: 'Close' }).click();
  await alice.page.getByRole('region', { name: 'Conversation with bob' }).getByText('✓ verified').waitFor();
});

/** The row as sealed in IndexedDB once it has its deadline and no longer changes between two reads. */
async function settledRow(page: Page, id: string) {
  const end = Date.now() + 10_000;
  for (;;) {
    const raw = await readRawMessage(page, id);
    const dump = await dumpIndexedDb(page);
    if (raw.expiresAt !== null && dumpContainsBytes(dump, raw.body) && dumpContainsBytes(dump, raw.key))
      return { raw, dump };
    if (Date.now() > end) return { raw, dump };
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('a message on a 5 s timer is gone from both screens and both IndexedDBs one second after its deadline', async () => {
  const { alice, bob } = web;
  await alice.page.getByLabel('Disappear after').selectOption('5');
  await bob.page.getByText('alice set disappearing messages to 5s').waitFor();
  await expect.poll(() => bob.page.getByLabel('Disappear after').inputValue()).toBe('5');

  const secret = 'the key is under the third stone';
  await alice.send(secret);
  // Let both rows settle (delivery mark on alice's, countdown start on bob's re-seal them) before snapshotting.
  await alice.message(secret).locator('[data-status="delivered"]').waitFor();
  await bob.message(secret).getByTestId('countdown').waitFor();
  const people = [alice, bob] as const;
  const rows = await Promise.all(
    people.map(async (p) => {
      const id = (await p.message(secret).getAttribute('data-message-id')) as string;
      // Deferred writes (write-behind: status and deadline) reach IndexedDB up to ~200 ms after the screen shows them.
      const { raw, dump } = await settledRow(p.page, id);
      expect(dumpContainsBytes(dump, raw.body) && dumpContainsBytes(dump, raw.key)).toBe(true); // the scan sees it
      expect(dumpContains(dump, secret)).toBe(false); // sealed at rest even while it lives
      return { id, raw };
    }),
  );
  for (const { raw } of rows) {
    expect(raw.expiresAt).not.toBeNull();
    expect((raw.expiresAt as number) - Date.now()).toBeLessThanOrEqual(5_000);
  }

  const lastDeadline = Math.max(...rows.map((r) => r.raw.expiresAt as number));
  await new Promise((r) => setTimeout(r, lastDeadline + 1_000 - Date.now()));
  for (const [i, p] of people.entries()) {
    const { id, raw } = rows[i] as (typeof rows)[number];
    expect(await p.message(secret).count()).toBe(0);
    const dump = await dumpIndexedDb(p.page);
    expect(dumpContainsBytes(dump, raw.body)).toBe(false);
    expect(dumpContainsBytes(dump, raw.key)).toBe(false);
    expect(dumpContains(dump, id)).toBe(false);
    expect(dumpContains(dump, secret)).toBe(false);
  }
});

it('reconnects after the connection drops, and sends what was written meanwhile', async () => {
  const { server, alice, bob } = web;
  await alice.page.getByLabel('Disappear after').selectOption('300');
  await bob.page.getByText('alice set disappearing messages to 5m').waitFor();

  await server.stop();
  await alice.page.getByTestId('connection').getByText('Connected').waitFor({ state: 'detached' });
  await alice.send('written while the line was down');
  await alice.message('written while the line was down').locator('[data-status="pending"]').waitFor();

  await server.start();
  await alice.page.getByTestId('connection').getByText('Connected').waitFor({ timeout: 15_000 });
  await bob.message('written while the line was down').waitFor({ timeout: 15_000 });
  await alice.message('written while the line was down').locator('[data-status="delivered"]').waitFor();
});
