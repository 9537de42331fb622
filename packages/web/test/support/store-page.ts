/**
 * Loads the IndexedDB store into a page of a made-up origin (served by
 * playwright's router, no network), so the store runs in real Chromium
 * without the app around it.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { build, defaultClientConditions } from 'vite';
import { WEB_DIR } from './build-dist.js';

let bundled: Promise<string> | undefined;

async function bundle(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'warn',
    root: WEB_DIR,
    resolve: { conditions: ['source', ...defaultClientConditions] },
    build: {
      write: false,
      minify: false,
      lib: {
        entry: join(WEB_DIR, 'test/support/store-harness.ts'),
        formats: ['iife'],
        name: 'tacetStoreHarness',
      },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  const chunk = outputs.flatMap((o) => ('output' in o ? o.output : [])).find((c) => c.type === 'chunk');
  if (chunk?.type !== 'chunk') throw new Error('store harness did not bundle');
  return chunk.code;
}

/** Origin of the throwaway page. */
export const STORE_ORIGIN = 'http://store.tacet.test';

/** Opens a page on a fresh origin with `window.tacetStore` ready. */
export async function openStorePage(context: BrowserContext): Promise<Page> {
  bundled ??= bundle();
  const code = await bundled;
  await context.route(`${STORE_ORIGIN}/**`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>store</title>' }),
  );
  const page = await context.newPage();
  await page.goto(`${STORE_ORIGIN}/`);
  await page.addScriptTag({ content: code });
  return page;
}
