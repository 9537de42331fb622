/**
 * The ClientStore contract against the IndexedDB adapter in real Chromium:
 * the cases of store-contract.ts, bundled into a page and run there, one
 * vitest test per case, each in a fresh browser context (empty storage).
 * Twice: on a secure origin (message keys in OPFS files) and on a plain
 * http origin (no OPFS: keys in IndexedDB).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '@tacet/testkit/chromium';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build, defaultClientConditions } from 'vite';
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import { storeContract } from './store-contract.js';

// Real browsers on a shared 2-core machine: generous, but still bounded.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const content = JSON.parse(readFileSync(join(FIXTURES, 'v1-content.json'), 'utf8'));

async function bundle(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'warn',
    root: import.meta.dirname,
    resolve: { conditions: ['source', ...defaultClientConditions] },
    build: {
      write: false,
      minify: false,
      lib: {
        entry: join(import.meta.dirname, 'indexeddb-page.ts'),
        formats: ['iife'],
        name: 'tacetStoreContract',
      },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  const chunk = outputs.flatMap((o) => ('output' in o ? o.output : [])).find((c) => c.type === 'chunk');
  if (chunk?.type !== 'chunk') throw new Error('the contract page did not bundle');
  return chunk.code;
}

let browser: Browser;
let code: string;
beforeAll(async () => {
  [browser, code] = await Promise.all([launchChromium(), bundle()]);
});
afterAll(async () => {
  await browser?.close();
});

async function pageOn(context: BrowserContext, origin: string): Promise<Page> {
  await context.route(`${origin}/**`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>store contract</title>' }),
  );
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.addScriptTag({ content: code });
  return page;
}

const VAULTS = [
  // `*.localhost` is a secure context: OPFS is there.
  { name: 'keys in OPFS', origin: 'http://store.localhost', fixture: 'v1-indexeddb-profile-opfs.json' },
  {
    name: 'keys in IndexedDB (no OPFS)',
    origin: 'http://store.tacet.test',
    fixture: 'v1-indexeddb-profile-idb.json',
  },
];

for (const vault of VAULTS) {
  describe(`ClientStore contract: indexeddb, ${vault.name}`, () => {
    const fx = JSON.parse(readFileSync(join(FIXTURES, vault.fixture), 'utf8'));
    for (const name of Object.keys(storeContract)) {
      it(name, async () => {
        const context = await browser.newContext();
        try {
          const page = await pageOn(context, vault.origin);
          const failure = await page.evaluate(
            ([n, f]) =>
              (
                globalThis as unknown as { runContractCase(n: string, f: unknown): Promise<string | null> }
              ).runContractCase(n, f),
            [name, { fx, content }] as const,
          );
          if (failure) throw new Error(failure);
        } finally {
          await context.close();
        }
      });
    }
  });
}
