/**
 * `PUT /v1/devices/list` and the list served with bundles: only the
 * account's own authenticated device stores one, only if its identity key
 * signed it, only if newer; every bundle answer carries the latest.
 */
import { IdentityKeyPair, SignedDeviceList } from '@tacet/protocol';
import { fromBase64Url, toBase64Url } from '@tacet/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, keyUpload, register, startTestServer, type TestServer } from '../support/harness.js';

describe('device list routes', () => {
  let t: TestServer;
  let url: string;
  beforeAll(async () => {
    t = await startTestServer();
    url = t.server.url;
  });
  afterAll(() => t.stop());

  const putList = (a: Account, list: Uint8Array, auth = a.auth) =>
    fetch(`${url}/v1/devices/list`, {
      method: 'PUT',
      headers: { authorization: auth },
      body: JSON.stringify({ deviceList: toBase64Url(list) }),
    });
  const sign = (a: Account, version: number, key: IdentityKeyPair) =>
    SignedDeviceList.sign(
      { accountId: a.id, version, devices: [{ deviceId: 1, registrationId: 42 }] },
      key.privateKey,
    ).serialize();
  async function withKeys() {
    const a = await register(url);
    const { body, identity } = keyUpload(3);
    await fetch(`${url}/v1/keys`, {
      method: 'PUT',
      headers: { authorization: a.auth },
      body: JSON.stringify(body),
    });
    return { a, identity };
  }
  const bundleList = async (from: Account, target: Account) => {
    const b = await (
      await fetch(`${url}/v1/keys/${target.accountId}/*`, { headers: { authorization: from.auth } })
    ).json();
    return b.deviceList === undefined ? undefined : fromBase64Url(b.deviceList);
  };

  it('serves the latest uploaded list with every bundle, and refuses older or equal versions', async () => {
    const { a, identity } = await withKeys();
    const bob = await register(url);
    expect(await bundleList(bob, a)).toBeUndefined();
    const v2 = sign(a, 2, identity);
    expect((await putList(a, v2)).status).toBe(204);
    expect(await bundleList(bob, a)).toEqual(v2);
    for (const version of [1, 2]) {
      const res = await putList(a, sign(a, version, identity));
      expect(res.status).toBe(409);
      expect((await res.json()).error.code).toBe('stale_device_list');
    }
    const v3 = sign(a, 3, identity);
    expect((await putList(a, v3)).status).toBe(204);
    expect(await bundleList(bob, a)).toEqual(v3);
  });

  it('refuses a list signed by another key, one naming another account, garbage, and no credential', async () => {
    const { a, identity } = await withKeys();
    const { a: other } = await withKeys();
    const forged = await putList(a, sign(a, 1, IdentityKeyPair.generate()));
    expect(forged.status).toBe(400);
    expect((await forged.json()).error.code).toBe('invalid_signature');
    // Another account's list, even one its identity key signed, is not this account's.
    expect((await putList(a, sign(other, 1, identity))).status).toBe(400);
    expect((await putList(a, new Uint8Array(90))).status).toBe(400);
    expect((await putList(a, sign(a, 1, identity), 'Basic AAAA')).status).toBe(401);
    expect(await bundleList(other, a)).toBeUndefined();
  });
});
