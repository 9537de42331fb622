import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/harness.js';

describe('web client', () => {
  const webDir = mkdtempSync(join(tmpdir(), 'tacet-web-'));
  afterAll(() => rmSync(webDir, { recursive: true, force: true }));

  it('serves staticDir at / with a strict CSP and no camera, microphone or location', async () => {
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>tacet</title>');
    const t = await startTestServer({ staticDir: webDir });
    try {
      const res = await fetch(`${t.server.url}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<title>tacet</title>');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(res.headers.get('permissions-policy')).toBe('camera=(), microphone=(), geolocation=()');
      const missing = await fetch(`${t.server.url}/nope.js`);
      expect(missing.status).toBe(404);
      expect((await fetch(`${t.server.url}/../../etc/passwd`)).status).toBe(404);
    } finally {
      await t.stop();
    }
  });
});
