/**
 * The IndexedDB store in real Chromium: sealed at rest under the passphrase,
 * one key per message, and expiry shreds key and row so that a raw copy of
 * the database afterwards holds nothing of the message.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { launchChromium } from './support/browser.js';
import { dumpContains, dumpContainsBytes, dumpIndexedDb, readRawMessage } from './support/idb-dump.js';
import { INSECURE_ORIGIN, openStorePage, SECURE_ORIGIN } from './support/store-page.js';

// Real browsers on a shared 2-core CI machine: generous, but still bounded.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  await context?.close();
  context = await browser.newContext();
  page = await openStorePage(context);
});

type Harness = { tacetStore: typeof import('../src/store/open-store.js') };

describe('IndexedDbStore', () => {
  it('keeps records across reopen and refuses a wrong passphrase', async () => {
    const result = await page.evaluate(async () => {
      const { openIndexedDbStore } = (globalThis as unknown as Harness).tacetStore;
      const a = await openIndexedDbStore({ profile: 'p', passphrase: 'correct horse', logN: 14 });
      await a.apply({ records: [{ ns: 'contact', key: 'bob', value: new Uint8Array([1, 2, 3]) }] });
      await a.close();
      let wrong = '';
      try {
        await openIndexedDbStore({ profile: 'p', passphrase: 'wrong horse' });
      } catch (e) {
        wrong = (e as { code?: string }).code ?? String(e);
      }
      const b = await openIndexedDbStore({ profile: 'p', passphrase: 'correct horse' });
      const value = await b.getRecord('contact', 'bob');
      const list = await b.listRecords('contact');
      await b.apply({ records: [{ ns: 'contact', key: 'bob', value: null }] });
      const after = await b.getRecord('contact', 'bob');
      await b.close();
      return {
        wrong,
        value: Array.from(value ?? []),
        keys: list.map((r) => r.key),
        after: after === undefined,
      };
    });
    expect(result).toEqual({ wrong: 'WrongPassphrase', value: [1, 2, 3], keys: ['bob'], after: true });
    const dump = await dumpIndexedDb(page);
    expect(dumpContains(dump, 'bob')).toBe(false); // names sit behind HMAC tags and sealed values
  });

  it('orders messages, hides expired ones and keeps the outbox', async () => {
    const result = await page.evaluate(async () => {
      const { openIndexedDbStore } = (globalThis as unknown as Harness).tacetStore;
      const s = await openIndexedDbStore({ profile: 'q', passphrase: 'pass phrase', logN: 14 });
      const base = {
        conversationId: 'peer',
        direction: 'in',
        kind: 'text',
        sentAt: 1,
        receivedAt: 1,
        timerSeconds: 30,
        status: 'received',
      } as const;
      await s.apply({ putMessages: [{ ...base, id: 'm1', body: 'one', expiresAt: null }] });
      await s.apply({
        putMessages: [
          { ...base, id: 'm2', body: 'two', expiresAt: 5_000 },
          { ...base, id: 'm3', body: 'three', expiresAt: 9_000 },
        ],
      });
      await s.apply({ putMessages: [{ ...base, id: 'm1', body: 'one', expiresAt: 20_000 }] }); // countdown started: seq kept
      await s.apply({
        putOutbox: [
          { id: 'o1', recipient: 'peer', content: new Uint8Array([9]), createdAt: 1, ttlSeconds: 60 },
        ],
        seen: ['env-1'],
      });
      const order = (await s.listMessages('peer', 6_000)).map((m) => `${m.id}:${m.body}:${m.seq}`);
      const next = await s.nextExpiry();
      const gone = await s.deleteExpired(9_000);
      const outbox = (await s.listOutbox()).map((o) => [o.id, o.recipient, Array.from(o.content)]);
      const seen = [await s.hasSeen('env-1'), await s.hasSeen('env-2')];
      const m2 = await s.getMessage('m2');
      await s.close();
      return { order, next, gone: gone.sort(), outbox, seen, m2: m2 === undefined };
    });
    expect(result).toEqual({
      order: ['m1:one:1', 'm3:three:3'],
      next: 5_000,
      gone: ['m2', 'm3'],
      outbox: [['o1', 'peer', [9]]],
      seen: [true, false],
      m2: true,
    });
  });

  it.each([
    ['keys in OPFS (secure context)', SECURE_ORIGIN],
    ['keys in IndexedDB (fallback without OPFS)', INSECURE_ORIGIN],
  ])(
    'shreds an expired message, %s: a raw copy holds neither its text, its sealed body nor its key',
    async (_, origin) => {
      await context.close();
      context = await browser.newContext();
      page = await openStorePage(context, origin);
      const secret = 'meet at the north gate at 6';
      await page.evaluate(async (text) => {
        const { openIndexedDbStore } = (globalThis as unknown as Harness).tacetStore;
        const s = await openIndexedDbStore({ profile: 'r', passphrase: 'pass phrase', logN: 14 });
        const msg = {
          conversationId: 'peer',
          direction: 'out',
          kind: 'text',
          sentAt: 1,
          receivedAt: 1,
          timerSeconds: 5,
          status: 'sent',
        } as const;
        await s.apply({
          putMessages: [
            { ...msg, id: 'keep', body: 'stays', expiresAt: null },
            { ...msg, id: 'doomed', body: text, expiresAt: Date.now() + 300 },
          ],
        });
        (globalThis as unknown as { store: typeof s }).store = s;
      }, secret);
      const before = await readRawMessage(page, 'doomed', 'tacet-profile-r');

      const live = await dumpIndexedDb(page);
      expect(dumpContainsBytes(live, before.body)).toBe(true); // the scan does see live rows
      expect(dumpContainsBytes(live, before.key)).toBe(true);
      expect(dumpContains(live, secret)).toBe(false); // sealed even while it lives

      await page.waitForTimeout(400);
      const shredded = await page.evaluate(async () => {
        const s = (
          globalThis as unknown as {
            store: {
              deleteExpired(now: number): Promise<string[]>;
              listMessages(c: string, now: number): Promise<{ id: string }[]>;
            };
          }
        ).store;
        return {
          gone: await s.deleteExpired(Date.now()),
          left: (await s.listMessages('peer', Date.now())).map((m) => m.id),
        };
      });
      expect(shredded).toEqual({ gone: ['doomed'], left: ['keep'] });

      const after = await dumpIndexedDb(page);
      expect(dumpContainsBytes(after, before.body)).toBe(false);
      expect(dumpContainsBytes(after, before.key)).toBe(false);
      expect(dumpContains(after, 'doomed')).toBe(false);
      expect(dumpContains(after, secret)).toBe(false);
    },
  );
});
