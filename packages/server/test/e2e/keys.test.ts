import { randomBytes } from 'node:crypto';
import { IdentityKeyPair } from '@tacet/protocol';
import { formatAccountId, fromBase64Url, toBase64Url } from '@tacet/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PREKEY_FETCH_LIMIT } from '../../src/limits.js';
import { type Account, keyUpload, register, startTestServer, type TestServer } from '../support/harness.js';

describe('keys', () => {
  let t: TestServer;
  let url: string;
  beforeAll(async () => {
    t = await startTestServer();
    url = t.server.url;
  });
  afterAll(() => t.stop());

  const put = (a: Account, body: unknown) =>
    fetch(`${url}/v1/keys`, {
      method: 'PUT',
      headers: { authorization: a.auth },
      body: JSON.stringify(body),
    });
  const count = async (a: Account) =>
    (await fetch(`${url}/v1/keys/count`, { headers: { authorization: a.auth } })).json();
  const bundle = (a: Account, target: Account, device = '1') =>
    fetch(`${url}/v1/keys/${target.accountId}/${device}`, { headers: { authorization: a.auth } });

  it('stores a signed upload, counts it and serves bundles that verify', async () => {
    const bob = await register(url);
    const alice = await register(url);
    const { body, identity } = keyUpload(2);
    expect((await put(bob, body)).status).toBe(204);
    expect(await count(bob)).toEqual({ preKeys: 2, pqPreKeys: 2 });
    const res = await bundle(alice, bob);
    expect(res.status).toBe(200);
    const b = await res.json();
    expect(b.identityKey).toBe(body.identityKey);
    const d = b.devices[0];
    expect(d).toMatchObject({
      deviceId: 1,
      registrationId: 42,
      preKey: { keyId: 1 },
      pqPreKey: { keyId: 1 },
    });
    expect(
      identity.publicKey.verifySignature(
        fromBase64Url(d.signedPreKey.publicKey),
        fromBase64Url(d.signedPreKey.signature),
      ),
    ).toBe(true);
    expect(await count(bob)).toEqual({ preKeys: 1, pqPreKeys: 1 });
  });

  it('falls back to the last-resort Kyber key and omits the EC one-time key when they run out', async () => {
    const bob = await register(url);
    const alice = await register(url);
    await put(bob, keyUpload(1).body);
    await bundle(alice, bob);
    const d = (await (await bundle(alice, bob)).json()).devices[0];
    expect(d.preKey).toBeUndefined();
    expect(d.pqPreKey.keyId).toBe(9999);
  });

  it('refuses bad signatures, bad key types and a different identity key with clear codes', async () => {
    const bob = await register(url);
    const { body } = keyUpload(1);
    const sig = fromBase64Url(body.signedPreKey.signature);
    sig[5] = (sig[5] as number) ^ 1;
    const badSig = await put(bob, {
      ...body,
      signedPreKey: { ...body.signedPreKey, signature: toBase64Url(sig) },
    });
    expect(badSig.status).toBe(400);
    expect((await badSig.json()).error.code).toBe('invalid_signature');
    const other = keyUpload(0, IdentityKeyPair.generate());
    const crossSigned = await put(bob, {
      ...body,
      pqPreKeys: [{ ...body.pqPreKeys[0], signature: other.body.pqLastResortPreKey.signature }],
    });
    expect((await crossSigned.json()).error.code).toBe('invalid_signature');
    const key = fromBase64Url(body.preKeys[0]?.publicKey as string);
    key[0] = 0x06;
    const badType = await put(bob, { ...body, preKeys: [{ keyId: 1, publicKey: toBase64Url(key) }] });
    expect((await badType.json()).error.code).toBe('invalid_key');
    const short = await put(bob, { ...body, identityKey: toBase64Url(new Uint8Array(32)) });
    expect((await short.json()).error.code).toBe('invalid_key');
    expect(await count(bob)).toEqual({ preKeys: 0, pqPreKeys: 0 });
    expect((await put(bob, body)).status).toBe(204);
    const mismatch = await put(bob, other.body);
    expect(mismatch.status).toBe(409);
    expect((await mismatch.json()).error.code).toBe('identity_key_mismatch');
  });

  it('rotates the signed prekey', async () => {
    const bob = await register(url);
    const alice = await register(url);
    const first = keyUpload(0);
    await put(bob, first.body);
    const second = keyUpload(0, first.identity);
    expect(
      (
        await put(bob, {
          identityKey: first.body.identityKey,
          signedPreKey: { ...second.body.signedPreKey, keyId: 2 },
        })
      ).status,
    ).toBe(204);
    const d = (await (await bundle(alice, bob)).json()).devices[0];
    expect(d.signedPreKey).toEqual({ ...second.body.signedPreKey, keyId: 2 });
  });

  it('answers unknown accounts and devices with not_found and bad ids with bad_request', async () => {
    const alice = await register(url);
    const ghost = await register(url);
    expect((await bundle(alice, ghost)).status).toBe(404);
    expect((await bundle(alice, ghost, '2')).status).toBe(404);
    const bad = await fetch(`${url}/v1/keys/not-an-id/1`, { headers: { authorization: alice.auth } });
    expect((await bad.json()).error.code).toBe('bad_request');
  });

  it('looks an identity key up without consuming a prekey; unknown accounts get not_found', async () => {
    const [bob, alice, ghost] = await Promise.all([register(url), register(url), register(url)]);
    const { body } = keyUpload(2);
    await put(bob, body);
    const lookup = (who: Account, account: string) =>
      fetch(`${url}/v1/keys/${account}/identity`, { headers: { authorization: who.auth } });
    for (let i = 0; i < 3; i++) {
      const res = await lookup(alice, bob.accountId);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ identityKey: body.identityKey });
    }
    expect(await count(bob)).toEqual({ preKeys: 2, pqPreKeys: 2 });
    // No keys uploaded yet, never registered, or not an id at all: stable codes.
    expect((await (await lookup(alice, ghost.accountId)).json()).error.code).toBe('not_found');
    const stranger = await lookup(alice, formatAccountId(randomBytes(16)));
    expect(stranger.status).toBe(404);
    expect((await stranger.json()).error.code).toBe('not_found');
    expect((await (await lookup(alice, 'not-an-id')).json()).error.code).toBe('bad_request');
    const anonymous = await fetch(`${url}/v1/keys/${bob.accountId}/identity`);
    expect(anonymous.status).toBe(401);
  });

  it('never hands one one-time prekey to two of many concurrent fetches', async () => {
    const bob = await register(url);
    await put(bob, keyUpload(30).body);
    const fetchers = await Promise.all(Array.from({ length: 8 }, () => register(url)));
    const responses = await Promise.all(
      Array.from({ length: 48 }, (_, i) =>
        bundle(fetchers[i % fetchers.length] as Account, bob).then((r) => r.json()),
      ),
    );
    const ec = responses.map((r) => r.devices[0].preKey?.keyId).filter((k) => k !== undefined);
    const kyber = responses.map((r) => r.devices[0].pqPreKey.keyId).filter((k) => k !== 9999);
    expect(ec).toHaveLength(30);
    expect(new Set(ec).size).toBe(30);
    expect(new Set(kyber).size).toBe(30);
    expect(await count(bob)).toEqual({ preKeys: 0, pqPreKeys: 0 });
  });
});

describe('prekey fetch limit', () => {
  it('limits bundle fetches per requesting account, not per target', async () => {
    const t = await startTestServer({ prekeyFetchLimit: { burst: 3, perHour: 1 } });
    try {
      const url = t.server.url;
      const [bob, mallory, alice] = await Promise.all([register(url), register(url), register(url)]);
      await fetch(`${url}/v1/keys`, {
        method: 'PUT',
        headers: { authorization: bob.auth },
        body: JSON.stringify(keyUpload(10).body),
      });
      const get = (who: Account) =>
        fetch(`${url}/v1/keys/${bob.accountId}/1`, { headers: { authorization: who.auth } });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await get(mallory)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const res = await get(alice);
      expect(res.status).toBe(200);
      expect((await res.json()).devices[0].preKey.keyId).toBe(4);
      // Identity lookups have their own bucket: exhausted fetches do not block them, and vice versa.
      const identity = (who: Account) =>
        fetch(`${url}/v1/keys/${bob.accountId}/identity`, { headers: { authorization: who.auth } });
      const lookups = [];
      for (let i = 0; i < 5; i++) lookups.push((await identity(mallory)).status);
      expect(lookups).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await t.stop();
    }
  });
});

describe('prekey fetch limits at their defaults', () => {
  // The server's own defaults (the harness's generous limits removed), as a deployment runs them.
  const defaults = { prekeyFetchLimit: undefined, prekeyTargetLimit: undefined };
  /** `n` at a time, in order of `items`. */
  async function inBatches<T, R>(items: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
    const out: R[] = [];
    for (let i = 0; i < items.length; i += n) out.push(...(await Promise.all(items.slice(i, i + n).map(f))));
    return out;
  }

  it('a first message to a 1,000-member group: 999 members’ bundles fetched at once, none refused', async () => {
    const t = await startTestServer(defaults);
    try {
      const url = t.server.url;
      const sender = await register(url);
      // Five members are registered with keys; the other 994 ids cost the sender a fetch all the same
      // (the limits are taken before the lookup), so registering 999 accounts would only slow the test.
      const real = await Promise.all(Array.from({ length: 5 }, () => register(url)));
      const { body } = keyUpload(1);
      for (const m of real) {
        const res = await fetch(`${url}/v1/keys`, {
          method: 'PUT',
          headers: { authorization: m.auth },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(204);
      }
      const unknown = () => formatAccountId(randomBytes(16));
      const members = [...real.map((m) => m.accountId), ...Array.from({ length: 994 }, unknown)];
      const fetchOf = async (accountId: string) => {
        const res = await fetch(`${url}/v1/keys/${accountId}/*`, { headers: { authorization: sender.auth } });
        await res.arrayBuffer();
        return res.status;
      };
      const started = Date.now();
      const statuses = await inBatches(members, 16, fetchOf);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5).every((s) => s === 404)).toBe(true);
      // The allowance is sized for such a group, not unbounded: refused once the burst and what
      // refilled since the first fetch are spent.
      let served = statuses.length;
      let status = 0;
      while (served <= 2 * DEFAULT_PREKEY_FETCH_LIMIT.burst) {
        status = await fetchOf(unknown());
        if (status === 429) break;
        served++;
      }
      const refilled = ((Date.now() - started) / 3_600_000) * DEFAULT_PREKEY_FETCH_LIMIT.perHour;
      expect(status).toBe(429);
      expect(served).toBeGreaterThanOrEqual(DEFAULT_PREKEY_FETCH_LIMIT.burst);
      expect(served).toBeLessThanOrEqual(DEFAULT_PREKEY_FETCH_LIMIT.burst + Math.ceil(refilled));
    } finally {
      await t.stop();
    }
  });

  it('one account cannot drain another’s one-time keys: 10 fetches of it, then 429, others unaffected', async () => {
    const t = await startTestServer(defaults);
    try {
      const url = t.server.url;
      const [bob, carol, mallory, alice] = await Promise.all([
        register(url),
        register(url),
        register(url),
        register(url),
      ]);
      for (const target of [bob, carol]) {
        const res = await fetch(`${url}/v1/keys`, {
          method: 'PUT',
          headers: { authorization: target.auth },
          body: JSON.stringify(keyUpload(20).body),
        });
        expect(res.status).toBe(204);
      }
      const get = (who: Account, target: Account) =>
        fetch(`${url}/v1/keys/${target.accountId}/*`, { headers: { authorization: who.auth } });
      const statuses: number[] = [];
      let refused: Response | undefined;
      for (let i = 0; i < 15; i++) {
        const res = await get(mallory, bob);
        statuses.push(res.status);
        if (res.status === 429) refused = res;
        else await res.arrayBuffer();
      }
      expect(statuses).toEqual([...Array(10).fill(200), ...Array(5).fill(429)]);
      if (!refused) throw new Error('no fetch was refused');
      expect(refused.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
      expect((await refused.json()).error.code).toBe('rate_limited');
      // Bob keeps 10 of his 20 one-time keys; Alice still gets one, and Mallory may still fetch Carol.
      const keys = await (
        await fetch(`${url}/v1/keys/count`, { headers: { authorization: bob.auth } })
      ).json();
      expect(keys).toEqual({ preKeys: 10, pqPreKeys: 10 });
      expect((await get(alice, bob)).status).toBe(200);
      expect((await get(mallory, carol)).status).toBe(200);
    } finally {
      await t.stop();
    }
  });
});
