import { solvePow } from '@tacet/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basicAuth,
  postJson,
  register,
  startTestServer,
  type TestServer,
  TestSocket,
} from '../support/harness.js';

describe('accounts', () => {
  let t: TestServer;
  let url: string;
  beforeAll(async () => {
    t = await startTestServer({ powBits: 8, registrationLimit: { burst: 3, perHour: 1 } });
    url = t.server.url;
  });
  afterAll(() => t.stop());

  async function challenge() {
    return (await (await fetch(`${url}/v1/accounts/challenge`, { method: 'POST' })).json()) as {
      challenge: string;
      bits: number;
    };
  }

  it('registers with a solved challenge and returns an id and credential', async () => {
    const c = await challenge();
    expect(c.bits).toBe(8);
    const res = await postJson(`${url}/v1/accounts`, {
      pow: { challenge: c.challenge, nonce: solvePow(c.challenge, 8) },
      registrationId: 1,
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.accountId).toMatch(/^[0-9a-z]{27}$/);
    expect(body.deviceId).toBe(1);
    expect(body.credential).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses unsolved, forged and reused challenges with pow_invalid', async () => {
    const c = await challenge();
    const good = solvePow(c.challenge, 8);
    let bad = 0;
    while (bad === good || solvePow(c.challenge, 8, bad, 1) === bad) bad++;
    const unsolved = await postJson(`${url}/v1/accounts`, {
      pow: { challenge: c.challenge, nonce: bad },
      registrationId: 1,
    });
    expect(unsolved.status).toBe(400);
    expect((await unsolved.json()).error.code).toBe('pow_invalid');
    const forged = `${c.challenge.slice(0, -2)}AA`;
    const res2 = await postJson(`${url}/v1/accounts`, {
      pow: { challenge: forged, nonce: solvePow(forged, 8) },
      registrationId: 1,
    });
    expect((await res2.json()).error.code).toBe('pow_invalid');
  });

  it('rate-limits registrations per address with retry-after', async () => {
    // The limiter allows a burst of 3 per address; earlier tests used some of it.
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const c = await challenge();
      const res = await postJson(`${url}/v1/accounts`, {
        pow: { challenge: c.challenge, nonce: solvePow(c.challenge, 8) },
        registrationId: 1,
      });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        expect((await res.json()).error.code).toBe('rate_limited');
      }
    }
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('refuses malformed and oversized bodies with stable codes', async () => {
    const notJson = await fetch(`${url}/v1/accounts`, { method: 'POST', body: '{nope' });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.code).toBe('bad_request');
    const extra = await postJson(`${url}/v1/accounts`, {
      pow: { challenge: 'x', nonce: 1 },
      registrationId: 1,
      phone: '1',
    });
    expect((await extra.json()).error.code).toBe('bad_request');
    const big = await fetch(`${url}/v1/accounts`, { method: 'POST', body: 'x'.repeat(100_000) });
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('payload_too_large');
  });
});

describe('authentication', () => {
  let t: TestServer;
  let url: string;
  beforeAll(async () => {
    t = await startTestServer();
    url = t.server.url;
  });
  afterAll(() => t.stop());

  it('accepts the right credential and refuses wrong, missing and malformed ones', async () => {
    const a = await register(url);
    expect((await fetch(`${url}/v1/keys/count`, { headers: { authorization: a.auth } })).status).toBe(200);
    const wrongCred = basicAuth(
      a.accountId,
      1,
      `${a.credential.slice(0, -1)}${a.credential.endsWith('A') ? 'B' : 'A'}`,
    );
    const cases = [
      undefined,
      wrongCred,
      basicAuth(a.accountId, 2, a.credential),
      'Basic !!!',
      'Bearer x',
      `Basic ${'A'.repeat(1000)}`,
    ];
    for (const auth of cases) {
      const res = await fetch(`${url}/v1/keys/count`, { headers: auth ? { authorization: auth } : {} });
      expect(res.status, String(auth)).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
    }
  });

  it('refuses WebSocket upgrades without a valid credential', async () => {
    const a = await register(url);
    await expect(TestSocket.open(url, basicAuth(a.accountId, 1, 'A'.repeat(43)))).rejects.toThrow('401');
    await expect(TestSocket.open(url, '')).rejects.toThrow('401');
    const ok = await TestSocket.open(url, a.auth);
    await ok.close();
  });

  it('accepts the browser form: credential in a tacet.auth subprotocol', async () => {
    const a = await register(url);
    const login = Buffer.from(`${a.accountId}.1:${a.credential}`).toString('base64url');
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/ws`, ['tacet.v1', `tacet.auth.${login}`]);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe('tacet.v1');
    ws.close();
  });

  it('deletes an account: its credential stops working and its sockets close', async () => {
    const a = await register(url);
    const sock = await TestSocket.open(url, a.auth);
    const res = await fetch(`${url}/v1/accounts/me`, {
      method: 'DELETE',
      headers: { authorization: a.auth },
    });
    expect(res.status).toBe(204);
    await sock.until(() => false, 2000).catch(() => {});
    expect(sock.closed?.code).toBe(4003);
    expect((await fetch(`${url}/v1/keys/count`, { headers: { authorization: a.auth } })).status).toBe(401);
  });
});
