/**
 * /metrics tells how busy a server is and when; it lives on a listener of
 * its own (loopback by default) and answers on the public API port only to
 * the bearer of the configured token.
 */
import { describe, expect, it } from 'vitest';
import { register, startTestServer } from '../support/harness.js';

describe('metrics listener', () => {
  it('serves Prometheus text on its own loopback listener, not on the API port', async () => {
    const t = await startTestServer();
    try {
      expect(t.server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(new URL(t.server.metricsUrl as string).port).not.toBe(String(t.server.port));
      await register(t.server.url);
      const res = await fetch(t.server.metricsUrl as string);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toMatch(/^tacet_registrations_total 1$/m);
      expect((await fetch(`${t.server.url}/metrics`)).status).toBe(404);
      expect((await fetch(new URL('/v1/accounts/challenge', t.server.metricsUrl))).status).toBe(404);
    } finally {
      await t.stop();
    }
  });

  it('answers on the API port only with the bearer token', async () => {
    const token = 'a-long-scrape-token-0123456789';
    const t = await startTestServer({ metricsToken: token, metricsListener: false });
    try {
      expect(t.server.metricsUrl).toBeUndefined();
      const scrape = (auth?: string) =>
        fetch(`${t.server.url}/metrics`, auth ? { headers: { authorization: auth } } : {});
      expect((await scrape()).status).toBe(404);
      expect((await scrape('Bearer wrong-token-of-the-same-len')).status).toBe(404);
      expect((await scrape(`Bearer ${token}x`)).status).toBe(404);
      const ok = await scrape(`Bearer ${token}`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/^# TYPE tacet_registrations_total counter$/m);
    } finally {
      await t.stop();
    }
  });

  it('refuses a short token', async () => {
    await expect(startTestServer({ metricsToken: 'short' })).rejects.toThrow(/metricsToken/);
  });
});
