/**
 * Group fan-out on a real server (issue 11, item 3): one sealed sender v2
 * multi-recipient upload over HTTP, split per recipient device in one
 * commit; one response acks every copy and names, per device, the ones that
 * got nothing (unknown account, full queue). Each recipient's live
 * connection gets exactly its received-format bytes, opens them with its own
 * identity key, and reads the sender-key message inside.
 */
import { randomBytes } from 'node:crypto';
import {
  ContentHint,
  distributionIdFromBytes,
  encodeSealedSenderV2Sent,
  groupDecrypt,
  groupEncrypt,
  IdentityKeyPair,
  InMemorySenderKeyStore,
  ProtocolAddress,
  PublicKey,
  processSenderKeyDistributionMessage,
  SenderCertificate,
  SenderKeyDistributionMessage,
  sealedSenderDecryptToUsmc,
  sealedSenderV2Encrypt,
  UnidentifiedSenderMessageContent,
} from '@tacet/protocol';
import { fromBase64Url, type SenderCertificateResponse, toBase64Url } from '@tacet/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MultiRecipientResponse } from '../../src/http/messages-routes.js';
import {
  type Account,
  hex,
  keyUpload,
  register,
  startTestServer,
  type TestServer,
  TestSocket,
} from '../support/harness.js';

const DIST = '2e4f6a8c-0b1d-4e3f-a5b7-c9d1e3f5a7b9';
const text = (s: string) => new TextEncoder().encode(s);
const drained = (s: TestSocket) => s.until((f) => f.some((x) => x.kind.case === 'queueDrained'));

describe('multi-recipient fan-out', () => {
  let t: TestServer;
  let url: string;
  beforeAll(async () => {
    t = await startTestServer({ maxQueueLength: 2 });
    url = t.server.url;
  });
  afterAll(() => t.stop());

  async function withKeys(a: Account): Promise<IdentityKeyPair> {
    const { body, identity } = keyUpload(1);
    const res = await fetch(`${url}/v1/keys`, {
      method: 'PUT',
      headers: { authorization: a.auth },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(204);
    return identity;
  }

  const upload = (auth: string, body: Uint8Array, id = randomBytes(16)) =>
    fetch(`${url}/v1/messages/multi-recipient?id=${toBase64Url(id)}`, {
      method: 'PUT',
      headers: { authorization: auth, 'content-type': 'application/octet-stream' },
      body: Buffer.from(body),
    });

  it('commits one upload for every member device, acks once, and reports the unknown and the full', async () => {
    const [alice, bob, carol, dave] = await Promise.all([
      register(url),
      register(url),
      register(url),
      register(url),
    ]);
    const aliceIdentity = await withKeys(alice);
    const members = [bob, carol, dave];
    const identities = await Promise.all(members.map(withKeys));
    const certRes = await fetch(`${url}/v1/certificate/delivery`, { headers: { authorization: alice.auth } });
    const cert = SenderCertificate.deserialize(
      fromBase64Url(((await certRes.json()) as SenderCertificateResponse).certificate),
    );

    // Dave's queue is full (cap 2) before the group message arrives.
    const filler = await TestSocket.open(url, alice.auth);
    for (let i = 0; i < 2; i++)
      expect((await filler.sendAndWait([dave], text(`f${i}`))).result?.ok).toBe(true);

    const aliceAddress = new ProtocolAddress(alice.accountId, 1);
    const aliceKeys = new InMemorySenderKeyStore();
    const skdm = await SenderKeyDistributionMessage.create(aliceAddress, DIST, aliceKeys);
    const message = await groupEncrypt(aliceAddress, DIST, aliceKeys, text('to the group'));
    const usmc = UnidentifiedSenderMessageContent.create(
      message,
      cert,
      ContentHint.Resendable,
      randomBytes(32),
    );
    const v2 = sealedSenderV2Encrypt(usmc.serialize(), aliceIdentity);
    const stranger = new Uint8Array(randomBytes(16));
    const recipients = [
      ...members.map((m, i) => ({ id: m.id, key: (identities[i] as IdentityKeyPair).publicKey })),
      { id: stranger, key: IdentityKeyPair.generate().publicKey },
    ];
    const sent = encodeSealedSenderV2Sent(
      recipients.map((r) => ({
        serviceId: distributionIdFromBytes(r.id),
        devices: [{ deviceId: 1, registrationId: 42 }],
        ...v2.keysFor(r.key),
      })),
      [],
      v2.ephemeralPublic,
      v2.payload,
    );

    const sockets = await Promise.all([bob, carol].map((m) => TestSocket.open(url, m.auth)));
    await Promise.all(sockets.map(drained));
    const id = randomBytes(16);
    const res = await upload(alice.auth, sent, id);
    expect(res.status).toBe(200);
    const body = (await res.json()) as MultiRecipientResponse;
    expect(body.stored).toBe(2);
    expect(body.refused).toEqual([
      { accountId: dave.accountId, deviceId: 1, code: 'queue_full' },
      { accountId: expect.any(String), deviceId: 1, code: 'unknown_recipient' },
    ]);

    for (const [i, socket] of sockets.entries()) {
      await socket.until(() => socket.envelopes().length === 1);
      const env = socket.envelopes()[0];
      expect(hex(env?.id as Uint8Array)).toBe(hex(id));
      const opened = await sealedSenderDecryptToUsmc(env?.content as Uint8Array, {
        getIdentityKeyPair: async () => identities[i] as IdentityKeyPair,
      });
      const root = PublicKey.deserialize(fromBase64Url(alice.trustRoot));
      expect(opened.senderCertificate.validate(root, Date.now())).toBe(true);
      const keys = new InMemorySenderKeyStore();
      await processSenderKeyDistributionMessage(aliceAddress, skdm, keys);
      expect(await groupDecrypt(aliceAddress, keys, opened.contents)).toEqual(text('to the group'));
    }

    // A retry with the same id (the response was lost) stores no second copy.
    const again = (await (await upload(alice.auth, sent, id)).json()) as MultiRecipientResponse;
    expect(again.stored).toBe(0);
    const late = await TestSocket.open(url, carol.auth);
    await drained(late);
    expect(late.envelopes()).toHaveLength(1);
    await Promise.all([...sockets, late, filler].map((s) => s.close()));
  });

  it('refuses an upload without a credential, a malformed message and a bad id, storing nothing', async () => {
    const alice = await register(url);
    expect((await upload('Basic eA==', Uint8Array.of(0x23, 0))).status).toBe(401);
    const bad = await upload(alice.auth, Uint8Array.of(0x23, 1, 0));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    const noId = await fetch(`${url}/v1/messages/multi-recipient`, {
      method: 'PUT',
      headers: { authorization: alice.auth },
      body: Buffer.of(0x23, 0),
    });
    expect(noId.status).toBe(400);
  });
});
