/**
 * The promise that matters to someone whose computer is taken later: after
 * a message expires, no file of the browser profile holds what would open it
 * — not even with the passphrase. Chromium runs on a real --user-data-dir and
 * every file in it is scanned.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchWithProfile } from '@tacet/testkit/chromium';
import { afterAll, expect, it, vi } from 'vitest';
import { readRawMessage } from './support/idb-dump.js';
import { openStorePage } from './support/store-page.js';

// Real browsers on a shared 2-core CI machine: generous, but still bounded.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const profileDir = mkdtempSync(join(tmpdir(), 'tacet-web-profile-'));
afterAll(() => rmSync(profileDir, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    try {
      const st = statSync(path);
      return st.isDirectory() ? filesUnder(path) : st.isFile() ? [path] : []; // skip sockets, pipes
    } catch {
      return []; // vanished while scanning
    }
  });
}

function filesHolding(needle: Buffer): string[] {
  return filesUnder(profileDir).filter((f) => readFileSync(f).includes(needle));
}

it('after expiry no file of the browser profile holds the message key or the text', async () => {
  const context = await launchWithProfile(profileDir);
  const page = await openStorePage(context);
  const secret = 'PLAINTEXT-never-on-disk-7f3a';
  await page.evaluate(async (text) => {
    const { openIndexedDbStore } = (
      globalThis as unknown as { tacetStore: typeof import('@tacet/client/indexeddb') }
    ).tacetStore;
    const s = await openIndexedDbStore({ profile: 'disk', passphrase: 'pass phrase', logN: 14 });
    const base = {
      conversationId: 'peer',
      direction: 'out',
      kind: 'text',
      sentAt: 1,
      receivedAt: 1,
      timerSeconds: 5,
    } as const;
    await s.apply({
      putMessages: [{ ...base, id: 'doomed', body: text, status: 'sent', expiresAt: Date.now() + 500 }],
    });
    (globalThis as unknown as { store: typeof s }).store = s;
  }, secret);
  const raw = await readRawMessage(page, 'doomed', 'tacet-profile-disk');
  // The sealed key: nonce(12) | ciphertext(32) | tag(16). Search for the ciphertext+tag part.
  const sealedKey = Buffer.from(raw.key, 'hex').subarray(12);
  expect(filesHolding(sealedKey).length).toBeGreaterThan(0); // the scan finds it while it lives

  await page.waitForTimeout(600);
  const gone = await page.evaluate(async () => {
    const s = (
      globalThis as unknown as {
        store: { deleteExpired(n: number): Promise<string[]>; close(): Promise<void> };
      }
    ).store;
    const ids = await s.deleteExpired(Date.now());
    await s.close();
    return ids;
  });
  expect(gone).toEqual(['doomed']);
  await context.close(); // flushes everything Chromium keeps

  expect(filesHolding(sealedKey)).toEqual([]);
  expect(filesHolding(Buffer.from(secret))).toEqual([]);
});
