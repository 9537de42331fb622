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

/**
 * Origins of the throwaway page: `*.localhost` is a secure context (the store
 * keeps message keys in OPFS there); a plain http host is not (no OPFS, so
 * the IndexedDB fallback is used).
 */
export const SECURE_ORIGIN = 'http://store.localhost';
export const INSECURE_ORIGIN = 'http://store.tacet.test';

/** Opens a page on a fresh origin with `window.tacetStore` ready. */
export async function openStorePage(context: BrowserContext, origin = SECURE_ORIGIN): Promise<Page> {
  bundled ??= bundle();
  const code = await bundled;
  await context.route(`${origin}/**`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>store</title>' }),
  );
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.addScriptTag({ content: code });
  return page;
}
