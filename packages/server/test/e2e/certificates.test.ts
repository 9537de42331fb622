/**
 * Sender certificates from the real server (issue 9, item 1): issued only
 * to an authenticated device with uploaded keys, naming that account,
 * device and stored identity key, valid a day, and validated by libsignal
 * 0.72.1 against the trust root returned at registration, which survives a
 * restart.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as S from '@signalapp/libsignal-client';
import { fromBase64Url, type SenderCertificateResponse } from '@tacet/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  keyUpload,
  postJson,
  register,
  startTestServer,
  type TestServer,
} from '../support/harness.js';

const DAY = 24 * 3600 * 1000;

describe('sender certificates', () => {
  let t: TestServer;
  let url: string;
  beforeAll(async () => {
    // A data directory of our own: the restart below must find the same storage (also on PostgreSQL).
    t = await startTestServer({ dataDir: mkdtempSync(join(tmpdir(), 'tacet-certs-')) });
    url = t.server.url;
  });
  afterAll(() => t.stop());

  const withKeys = async (a: Account) => {
    const { body, identity } = keyUpload(1);
    const res = await fetch(`${url}/v1/keys`, {
      method: 'PUT',
      headers: { authorization: a.auth },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(204);
    return identity;
  };
  const certificate = (auth?: string) =>
    fetch(`${url}/v1/certificate/delivery`, { headers: auth ? { authorization: auth } : {} });

  it('issues a libsignal SenderCertificate for the calling device, chained to the pinned root', async () => {
    const alice = await register(url);
    const identity = await withKeys(alice);
    const before = Date.now();
    const res = await certificate(alice.auth);
    expect(res.status).toBe(200);
    const body = (await res.json()) as SenderCertificateResponse;
    const cert = S.SenderCertificate.deserialize(Buffer.from(fromBase64Url(body.certificate)));
    const root = S.PublicKey.deserialize(Buffer.from(fromBase64Url(alice.trustRoot)));
    expect(cert.senderUuid()).toBe(alice.accountId);
    expect(cert.senderE164()).toBeNull();
    expect(cert.senderDeviceId()).toBe(1);
    expect(Buffer.from(cert.key().serialize())).toEqual(Buffer.from(identity.publicKey.serialize()));
    expect(cert.expiration()).toBe(body.expires);
    expect(body.expires).toBeGreaterThanOrEqual(before + DAY);
    expect(body.expires).toBeLessThanOrEqual(Date.now() + DAY);
    expect(cert.validate(root, Date.now())).toBe(true);
    expect(cert.validate(root, body.expires + 1)).toBe(false);
    expect(cert.validate(S.PrivateKey.generate().getPublicKey(), Date.now())).toBe(false);
  });

  it('names a linked device by its own id', async () => {
    const alice = await register(url);
    await withKeys(alice);
    const res = await postJson(`${url}/v1/devices`, { registrationId: 7 }, { authorization: alice.auth });
    expect(res.status).toBe(201);
    const linked = (await res.json()) as { deviceId: number; credential: string; trustRoot: string };
    expect(linked.trustRoot).toBe(alice.trustRoot);
    const auth = `Basic ${Buffer.from(`${alice.accountId}.${linked.deviceId}:${linked.credential}`).toString('base64')}`;
    const body = (await (await certificate(auth)).json()) as SenderCertificateResponse;
    const cert = S.SenderCertificate.deserialize(Buffer.from(fromBase64Url(body.certificate)));
    expect(cert.senderUuid()).toBe(alice.accountId);
    expect(cert.senderDeviceId()).toBe(linked.deviceId);
  });

  it('refuses a caller without a credential, or without an identity key yet', async () => {
    expect((await certificate()).status).toBe(401);
    const bob = await register(url);
    expect((await certificate(`${bob.auth.slice(0, -4)}AAAA`)).status).toBe(401);
    const res = await certificate(bob.auth);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('keys_missing');
  });

  it('keeps its trust root across a restart and serves it to older profiles', async () => {
    const carol = await register(url);
    const served = (await (await fetch(`${url}/v1/certificate/trust-root`)).json()) as { trustRoot: string };
    expect(served.trustRoot).toBe(carol.trustRoot);
    await t.server.close();
    t = await startTestServer({ dataDir: t.dataDir });
    url = t.server.url;
    const dave = await register(url);
    expect(dave.trustRoot).toBe(carol.trustRoot);
  });
});
