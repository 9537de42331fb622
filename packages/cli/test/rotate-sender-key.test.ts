/**
 * `tacet admin rotate-sender-key` against the data directory of a running
 * `tacet server` (issue 15, item 4): certificates issued afterwards are
 * signed by the new key under the same trust root, and clients holding a
 * certificate of the old key, and clients fetching one of the new, keep
 * messaging each other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityKeyPair, PublicKey, SenderCertificate } from '@tacet/protocol';
import { fromBase64Url, type RegisterResponse, solvePow, toBase64Url } from '@tacet/wire';
import { afterAll, describe, expect, it } from 'vitest';
import { ok, startTacetServer, tacet } from './support/run.js';

const root = mkdtempSync(join(tmpdir(), 'tacet-rotate-'));
const data = join(root, 'server');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const profile = (name: string) => ['--profile', join(root, name)];

async function register(name: string, url: string): Promise<string> {
  const out = await ok([...profile(name), 'register', '--server', url]);
  return out.trim().split('\n').pop() as string;
}

/** The signer key id of a certificate the server issues now to a fresh account, and the root it chains to. */
async function issuedKeyId(url: string): Promise<number> {
  const { challenge, bits } = (await (
    await fetch(`${url}/v1/accounts/challenge`, { method: 'POST' })
  ).json()) as { challenge: string; bits: number };
  const reg = await fetch(`${url}/v1/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pow: { challenge, nonce: solvePow(challenge, bits) }, registrationId: 1 }),
  });
  const me = (await reg.json()) as RegisterResponse;
  const authorization = `Basic ${btoa(`${me.accountId}.${me.deviceId}:${me.credential}`)}`;
  const identityKey = toBase64Url(IdentityKeyPair.generate().publicKey.serialize());
  const put = await fetch(`${url}/v1/keys`, {
    method: 'PUT',
    headers: { authorization },
    body: JSON.stringify({ identityKey }),
  });
  expect(put.status).toBe(204);
  const res = await fetch(`${url}/v1/certificate/delivery`, { headers: { authorization } });
  const cert = SenderCertificate.deserialize(
    fromBase64Url(((await res.json()) as { certificate: string }).certificate),
  );
  expect(cert.validate(PublicKey.deserialize(fromBase64Url(me.trustRoot)), Date.now())).toBe(true);
  return cert.signer.keyId;
}

describe('tacet admin rotate-sender-key', { timeout: 120_000 }, () => {
  it('signs new certificates with a new key under the same root; clients keep messaging', async () => {
    const server = await startTacetServer(data);
    try {
      expect(await issuedKeyId(server.url)).toBe(1);
      const ids = { alice: await register('alice', server.url), bob: await register('bob', server.url) };
      await ok([...profile('alice'), 'add', ids.bob, 'bob']);
      await ok([...profile('bob'), 'add', ids.alice, 'alice']);
      await ok([...profile('alice'), 'send', 'bob', 'before the rotation']);
      expect(await ok([...profile('bob'), 'receive', '--wait', '10', '--json'])).toContain(
        'before the rotation',
      );

      const rotated = await tacet(['admin', '--data', data, 'rotate-sender-key']);
      expect([rotated.code, rotated.stderr]).toEqual([
        0,
        'new sender-certificate key 2: the server signs with it from now on\n',
      ]);
      expect(await issuedKeyId(server.url)).toBe(2);

      // Alice still holds a certificate of key 1; Carol, new, gets one of key 2.
      await ok([...profile('alice'), 'send', 'bob', 'after, old certificate']);
      const carol = await register('carol', server.url);
      await ok([...profile('carol'), 'add', ids.bob, 'bob']);
      await ok([...profile('bob'), 'add', carol, 'carol']);
      await ok([...profile('carol'), 'send', 'bob', 'after, new certificate']);
      const got = await ok([...profile('bob'), 'receive', '--wait', '10', '--json']);
      // (The first message may have disappeared by now on a slow machine: 30 s timer.)
      expect(got).toContain('after, old certificate');
      expect(got).toContain('after, new certificate');
    } finally {
      await server.stop();
    }
  });
});
