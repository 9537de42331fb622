/**
 * A first message replayed with a re-encoded base key (issue 9 item 5): the
 * server withholds one-time prekeys, so Alice's PreKey message rests on the
 * signed prekey and the last-resort Kyber prekey alone, and a copy whose
 * base key has bit 255 set derives the very same keys (X25519 ignores that
 * bit) without consuming anything. Bob must refuse the copy
 * instead of taking it for a new session, and show the message once.
 *
 * The server cannot open or re-seal sealed sender (its MAC needs Alice's
 * identity key), so the test plays an attacker that can: it holds Alice's
 * and Bob's identity keys, re-seals the mutated message and has the server
 * deliver it, together with an exact replay of the original.
 */
import {
  PreKeySignalMessage,
  ProtocolAddress,
  sealedSenderDecryptToUsmc,
  sealedSenderEncrypt,
  UnidentifiedSenderMessageContent,
} from '@tacet/protocol';
import { parseAccountId } from '@tacet/wire';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientEvent, TacetClient } from '../../src/index.js';
import { nodeWebSocket } from '../../src/index.node.js';
import { Connection } from '../../src/transport/connection.js';
import { wsLogin } from '../../src/transport/http-api.js';
import { randomId } from '../../src/util.js';
import { Harness, until } from '../support/harness.js';
import { startHostileServer } from '../support/hostile-key-storage.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

/** The sealed envelope again, its inner PreKey message's base key with bit 255 set. */
async function reencodedCopy(sealed: Uint8Array, alice: TacetClient, bob: TacetClient) {
  const bobIdentity = await bob.identityKey();
  const usmc = await sealedSenderDecryptToUsmc(sealed, { getIdentityKeyPair: async () => bobIdentity });
  expect(usmc.msgType).toBe(3);
  const message = PreKeySignalMessage.deserialize(usmc.contents);
  expect(message.preKeyId).toBeUndefined();
  const bytes = usmc.contents.slice();
  const at = Buffer.from(bytes).indexOf(Buffer.from(message.baseKey)) + 32;
  bytes[at] = (bytes[at] as number) | 0x80;
  const inner = { type: () => 3, serialize: () => bytes };
  const copy = UnidentifiedSenderMessageContent.create(inner, usmc.senderCertificate, usmc.contentHint, null);
  const aliceIdentity = await alice.identityKey();
  return sealedSenderEncrypt(copy, new ProtocolAddress(bob.accountId, 1), {
    getIdentityKeyPair: async () => aliceIdentity,
    getIdentity: async () => bobIdentity.publicKey,
  });
}

describe('a first message replayed with a re-encoded base key', { timeout: 60_000 }, () => {
  it('is refused, not taken for a second session, and the message shows once', async () => {
    const hostile = await startHostileServer(h);
    const alice = await h.register('alice');
    const bob = await h.register('bob');
    const mallory = await h.register('mallory');
    const bobId = parseAccountId(bob.client.accountId);
    hostile.withholdPreKeysOf(bobId);
    const stored = hostile.record(bobId);
    await alice.client.addContact(bob.client.accountId, 'bob');
    await bob.client.addContact(alice.client.accountId, 'alice');
    const statuses: string[] = [];
    alice.client.on((e: ClientEvent) => {
      if (e.type === 'updated' && e.message.body === 'once') statuses.push(e.message.status);
    });
    await alice.client.connect();
    await bob.client.connect();

    await alice.client.send('bob', 'once');
    await until(async () => (await alice.client.messages('bob'))[0]?.status === 'delivered');
    const original = (stored[0] as { content: Uint8Array }).content;
    const copy = await reencodedCopy(original, alice.client, bob.client);

    // The server delivers an exact replay, then the re-encoded copy, each under a new id.
    const url = `${h.server.url.replace(/^http/, 'ws')}/v1/ws`;
    const conn = await Connection.open(url, wsLogin(mallory.client.account), nodeWebSocket, {
      onEnvelope: async () => undefined,
    });
    for (const content of [original, copy])
      await conn.send({
        id: randomId(),
        ttlSeconds: 0,
        envelopes: [{ accountId: bobId, deviceId: 1, content }],
      });
    await conn.close();
    const refused = await until(() => bob.events.find((e) => e.type === 'error'), 20_000, 'the copy refused');
    expect(String((refused as { error: Error }).error.message)).toMatch(/non-canonical/);

    // Everything Bob queued since (his retry receipt included) reaches Alice before his reply,
    // and anything Alice queued in answer reaches Bob before her next message.
    await bob.client.send('alice', 'reply');
    await until(async () => (await alice.client.messages('bob')).some((m) => m.body === 'reply'));
    await alice.client.send('bob', 'two');
    const seen = await until(async () => {
      const all = await bob.client.messages('alice');
      return all.some((m) => m.body === 'two') ? all : undefined;
    });
    expect(seen.filter((m) => m.direction === 'in').map((m) => m.body)).toEqual(['once', 'two']);
    expect(bob.events.filter((e) => e.type === 'message' && e.message.direction === 'in')).toHaveLength(2);
    expect(bob.events.filter((e) => e.type === 'error')).toHaveLength(1);
    // Nothing was lost, so nothing was re-sent.
    expect(statuses).toEqual(['sent', 'delivered']);
  });
});
