/**
 * Behind a reverse proxy: the rate limiters see the client address the proxy
 * forwards, but only when the request comes from a trusted proxy range; an
 * X-Forwarded-For from anyone else is ignored (the attack: a client rotating
 * the header to escape the registration limit, or to exhaust someone else's).
 */
import { describe, expect, it } from 'vitest';
import { TrustedProxies } from '../../src/net/trusted-proxies.js';
import { startTestServer } from '../support/harness.js';

const challenge = (url: string, forwardedFor?: string) =>
  fetch(`${url}/v1/accounts/challenge`, {
    method: 'POST',
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  }).then((r) => r.status);

describe('behind a reverse proxy', () => {
  it('limits each forwarded client apart when the proxy is trusted', async () => {
    const t = await startTestServer({
      trustProxy: ['127.0.0.0/8'],
      challengeLimit: { burst: 2, perHour: 1 },
    });
    try {
      // The client wrote 6.6.6.6 itself; the proxy appended the real address last.
      const seq = [];
      for (let i = 0; i < 3; i++) seq.push(await challenge(t.server.url, '6.6.6.6, 10.0.0.1'));
      expect(seq).toEqual([200, 200, 429]);
      expect(await challenge(t.server.url, '6.6.6.6, 10.0.0.2')).toBe(200);
      // Without the header the proxy itself is the client: a bucket of its own.
      expect(await challenge(t.server.url)).toBe(200);
    } finally {
      await t.stop();
    }
  });

  it('never believes X-Forwarded-For from a peer outside the trusted ranges', async () => {
    const t = await startTestServer({ trustProxy: ['10.0.0.0/8'], challengeLimit: { burst: 2, perHour: 1 } });
    try {
      const seq = [];
      for (const forged of ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'])
        seq.push(await challenge(t.server.url, forged));
      expect(seq).toEqual([200, 200, 429, 429]);
    } finally {
      await t.stop();
    }
  });

  it('ignores X-Forwarded-For entirely by default', async () => {
    const t = await startTestServer({ challengeLimit: { burst: 1, perHour: 1 } });
    try {
      expect([await challenge(t.server.url, '1.1.1.1'), await challenge(t.server.url, '2.2.2.2')]).toEqual([
        200, 429,
      ]);
    } finally {
      await t.stop();
    }
  });

  it('skips chained trusted proxies and rejects malformed ranges', () => {
    const p = new TrustedProxies(['10.0.0.0/8', '::1']);
    expect(p.clientAddress('::ffff:10.1.2.3', '9.9.9.9, 8.8.8.8, 10.0.0.7')).toBe('8.8.8.8');
    expect(p.clientAddress('::1', '2001:db8::1')).toBe('2001:db8::1');
    expect(p.clientAddress('10.0.0.1', 'not-an-address')).toBe('10.0.0.1');
    expect(p.clientAddress('192.0.2.1', '8.8.8.8')).toBe('192.0.2.1');
    expect(() => new TrustedProxies(['10.0.0.0/33'])).toThrow(/10\.0\.0\.0\/33/);
    expect(() => new TrustedProxies(['proxy.local'])).toThrow(/not an address range/);
  });
});
