/**
 * What the server sends with the web client, and what Chromium makes of it:
 * a strict CSP, no camera/microphone/location, no referrer, no sniffing,
 * nothing loaded from another origin.
 */

import { launchChromium } from '@tacet/testkit/chromium';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureDist } from './support/build-dist.js';
import { type RunningTestServer, startTacetServer } from './support/tacet-server.js';

// Real browsers on a shared 2-core CI machine: generous, but still bounded.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let browser: Browser;
let server: RunningTestServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), ensureDist().then(startTacetServer)]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function directives(csp: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values);
  }
  return out;
}

async function webPaths(): Promise<string[]> {
  const manifest = (await (await fetch(`${server.url}/asset-manifest.json`)).json()) as {
    files: Record<string, string>;
  };
  return ['/', '/asset-manifest.json', '/no-such-file', ...Object.keys(manifest.files)];
}

describe('web client headers', () => {
  it('every web response carries the CSP, Permissions-Policy, Referrer-Policy and nosniff', async () => {
    for (const path of await webPaths()) {
      const res = await fetch(`${server.url}${path}`);
      const h = res.headers;
      expect(h.get('permissions-policy'), path).toBe('camera=(), microphone=(), geolocation=()');
      expect(h.get('referrer-policy'), path).toBe('no-referrer');
      expect(h.get('x-content-type-options'), path).toBe('nosniff');
      const csp = directives(h.get('content-security-policy') ?? '');
      expect(csp.get('default-src'), path).toEqual(["'self'"]);
      expect(csp.get('script-src'), path).toEqual(["'self'"]);
      expect(csp.get('connect-src'), path).toEqual(["'self'"]);
      expect(csp.get('img-src')?.sort(), path).toEqual(["'self'", 'blob:', 'data:']);
      expect(csp.get('object-src'), path).toEqual(["'none'"]);
      expect(csp.get('base-uri'), path).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors'), path).toEqual(["'none'"]);
      const sources = [...csp.values()].flat();
      expect(
        sources.filter((v) => !/^('self'|'none'|data:|blob:)$/.test(v)),
        path,
      ).toEqual([]); // no host, no unsafe-*
      await res.arrayBuffer();
    }
  });

  it('Chromium denies camera, microphone and geolocation, blocks inline script, allows only same-origin sockets', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const origins = new Set<string>();
    page.on('request', (r) => origins.add(new URL(r.url()).origin));
    await page.goto(server.url);
    await page.locator('main').first().waitFor();

    const states = await page.evaluate(async () => {
      const q = (name: string) =>
        navigator.permissions.query({ name: name as PermissionName }).then((s) => s.state);
      return {
        camera: await q('camera'),
        microphone: await q('microphone'),
        geolocation: await q('geolocation'),
      };
    });
    expect(states).toEqual({ camera: 'denied', microphone: 'denied', geolocation: 'denied' });

    const csp = await page.evaluate(async () => {
      const violations: string[] = [];
      // Both blocks below are reported as violations; resolves once both are in.
      const reported = new Promise<void>((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => {
          violations.push(`${e.violatedDirective} ${e.blockedURI}`);
          const has = (d: string) => violations.some((v) => v.startsWith(d));
          if (has('script-src') && has('connect-src')) resolve();
        });
      });
      const settled = (ws: WebSocket) =>
        new Promise((resolve) => {
          ws.addEventListener('open', resolve);
          ws.addEventListener('error', resolve);
          ws.addEventListener('close', resolve);
        });
      const s = document.createElement('script');
      s.textContent = 'globalThis.__inlineRan = true';
      document.body.append(s);
      // Created first: a violation of its own would be reported before the other socket's.
      const wsSame = new WebSocket(`${location.origin.replace('http', 'ws')}/v1/ws`);
      // Chromium reports the block as a violation (and an error event) instead of throwing.
      const wsOther = new WebSocket('ws://192.0.2.1:9/');
      await Promise.all([reported, settled(wsSame), settled(wsOther)]);
      wsSame.close();
      wsOther.close();
      return { inlineRan: (globalThis as { __inlineRan?: boolean }).__inlineRan === true, violations };
    });
    expect(csp.inlineRan).toBe(false);
    expect(csp.violations.some((v) => v.startsWith('script-src'))).toBe(true);
    expect(csp.violations.filter((v) => v.startsWith('connect-src'))).toEqual([
      'connect-src ws://192.0.2.1:9/',
    ]);
    expect([...origins]).toEqual([server.url]);
    await context.close();
  });
});
